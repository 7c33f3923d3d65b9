"""The result of a sheet in words: one line with the total, the outcome and why, and the rest
(every reason, every band) for its tooltip."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from assessor.domain.numbers import fmt
from assessor.domain.rubric import PassRuleKind, Rubric
from assessor.domain.scoring import Outcome, ScoreResult
from assessor.ui.rubric_view.text import band_text

OUTCOME_WORDS = {Outcome.PASS: "PASS", Outcome.NOT_YET: "NOT YET", Outcome.INCOMPLETE: "INCOMPLETE"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringWorkspace", text)


@dataclass(frozen=True)
class OutcomeText:
    line: str  # total, outcome and why, in one line
    details: str  # every reason and band, one a line (the tooltip)


def pass_mark(rubric: Rubric) -> str:
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.PERCENTAGE:
        return f"{fmt(rule.threshold)} %"
    return _tr("{0} points").format(fmt(rule.threshold))


def describe(result: ScoreResult, rubric: Rubric) -> OutcomeText:
    total = _tr("Total {0} / {1} ({2} %)").format(
        fmt(result.total), fmt(result.maximum), fmt(result.percentage)
    )
    outcome = _tr(OUTCOME_WORDS[result.outcome])
    reasons = [_capital(r) + "." for r in result.reasons]
    if result.outcome is Outcome.INCOMPLETE:
        left = len(rubric.criteria) - len(result.criteria)
        why = _tr("{0} of {1} criteria still to score").format(left, len(rubric.criteria))
        return OutcomeText(f"{total} · {outcome} — {why}", "\n".join(reasons))
    if result.outcome is Outcome.NOT_YET:
        why = result.reasons[0] if result.reasons else ""
        return OutcomeText(f"{total} · {outcome} — {why}", "\n".join(reasons))
    # A pass: say what was reached (the band, by its title), not what was not.
    reached = next((b for b in rubric.bands if b.id == result.band), None)
    mark = _tr("pass mark {0} reached").format(pass_mark(rubric))
    if reached is not None:
        why = _tr("{0} reached").format(band_text(reached, rubric))
        first = [_tr("Band reached: {0}.").format(band_text(reached, rubric))]
    else:
        why, first = mark, []
    details = [*first, _capital(mark) + ".", *reasons]
    return OutcomeText(f"{total} · {outcome} · {why}", "\n".join(details))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
