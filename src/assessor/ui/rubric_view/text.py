"""The rubric grid's words: change marks ("+ added"), points, pass rules, bands and critical
criteria as the grid and the diff show them, and the tint behind a marked cell.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from assessor.domain.numbers import fmt
from assessor.domain.rubric import Criterion, GradeBand, Level, PassRule, PassRuleKind, Rubric
from assessor.ui.theme import AMBER, GREEN, RED

__all__ = [
    "MARKS",
    "band_text",
    "critical_text",
    "mark_label",
    "pass_rule_text",
    "points_text",
    "points_words",
    "short_digest",
    "tint",
]

# Change kind → (symbol, word, colour): the same triple in the grid and in the change list.
MARKS: dict[str, tuple[str, str, QColor]] = {
    "added": ("+", "added", GREEN),
    "removed": ("−", "removed", RED),
    "changed": ("~", "changed", AMBER),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricGrid", text)


def mark_label(kind: str) -> str:
    """ "+ added", "− removed", "~ changed" (translated word)."""
    symbol, word, _ = MARKS[kind]
    return f"{symbol} {_tr(word)}"


def tint(colour: QColor, palette: QPalette | None = None, amount: float = 0.28) -> QColor:
    """`colour` blended into the palette's base: a background that keeps text readable in
    light and dark palettes alike."""
    base = (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base)
    return QColor(
        round(base.red() + (colour.red() - base.red()) * amount),
        round(base.green() + (colour.green() - base.green()) * amount),
        round(base.blue() + (colour.blue() - base.blue()) * amount),
    )


def short_digest(digest: str) -> str:
    """`uEi…7Qf`: enough to tell versions apart at a glance; the full digest goes in a tooltip."""
    return digest if len(digest) <= 8 else f"{digest[:3]}…{digest[-3:]}"


def points_words(value: Decimal) -> str:
    """ "1 point", "2.5 points"."""
    return _tr("1 point") if value == 1 else _tr("{} points").format(fmt(value))


def points_text(level: Level) -> str:
    """ "2 points", "1 point", or a range "1–2.5 points"."""
    if level.max_points is None:
        return points_words(level.points)
    return _tr("{} points").format(level.span_text())


def pass_rule_text(rule: PassRule) -> str:
    if rule.kind == PassRuleKind.PERCENTAGE:
        return _tr("Pass at {} %").format(fmt(rule.threshold))
    return _tr("Pass at {}").format(points_words(rule.threshold))


def _level_title(rubric: Rubric, level_id: str) -> str:
    for c in rubric.criteria:
        if level_id in c.level_ids():
            return c.level(level_id).title
    return level_id


def band_text(band: GradeBand, rubric: Rubric) -> str:
    """ "Merit (≥ 80 %, every criterion ≥ Competent)"."""
    rules = []
    if band.min_percentage is not None:
        rules.append(f"≥ {fmt(band.min_percentage)} %")
    if band.min_points is not None:
        rules.append(f"≥ {points_words(band.min_points)}")
    if band.every_criterion_at_least is not None:
        level = _level_title(rubric, band.every_criterion_at_least)
        rules.append(_tr("every criterion ≥ {}").format(level))
    return f"{band.title} ({', '.join(rules)})" if rules else band.title


def critical_text(criterion: Criterion) -> str:
    if criterion.minimum_level is None:
        return ""
    return _tr("CRITICAL ≥ {}").format(criterion.level(criterion.minimum_level).title)
