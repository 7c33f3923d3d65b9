"""Recomputing an assessment record's score with the desktop's own engine.

Every number the record states is compared in the exact form the desktop writes it (integer
or decimal string): per-criterion points, total, maximum, percentage, outcome and band.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from assessor.domain.errors import DomainError, ValidationFailed
from assessor.domain.numbers import parse_decimal, to_json_number
from assessor.domain.rubric import Rubric
from assessor.domain.rubric_format import parse_rubric_document
from assessor.domain.scoring import ENGINE_VERSION, ScoreResult, Selection, score
from assessor.security.canonical import loads_strict


class ScoreMismatch(Exception):
    def __init__(self, location: str, message: str, *, engine: bool = False) -> None:
        super().__init__(message)
        self.location = location
        self.message = message
        self.engine = engine


@lru_cache(maxsize=256)
def rubric_from_document(digest: str, document: str) -> Rubric:
    """A published version's rubric (cached by digest: versions never change)."""
    try:
        return parse_rubric_document(loads_strict(document))
    except ValidationFailed as exc:  # only if the database was edited by hand
        raise DomainError(f"published rubric {digest} no longer reads: {exc.message}") from None


def recompute(rubric: Rubric, subject: Mapping[str, Any]) -> ScoreResult:
    """The engine's result for the record's selections; ScoreMismatch where they disagree."""
    if subject["engineVersion"] != ENGINE_VERSION:
        raise ScoreMismatch(
            "/credentialSubject/engineVersion",
            f"scored by '{subject['engineVersion']}'; this backend scores with {ENGINE_VERSION}",
            engine=True,
        )
    lines = subject["scores"]
    ids = [line["criterion"] for line in lines]
    if ids != rubric.criterion_ids():
        raise ScoreMismatch(
            "/credentialSubject/scores",
            "must list every criterion of the rubric once, in the rubric's order",
        )
    selections: dict[str, Selection] = {}
    for n, line in enumerate(lines):
        if line["level"] is None:
            raise ScoreMismatch(f"/credentialSubject/scores/{n}/level", "no level was chosen")
        try:
            points = parse_decimal(line["points"])
        except ValueError as exc:
            raise ScoreMismatch(f"/credentialSubject/scores/{n}/points", str(exc)) from None
        selections[line["criterion"]] = Selection(line["level"], points)
    try:
        result = score(rubric, selections)
    except DomainError as exc:  # an unknown level, points outside the level's range
        raise ScoreMismatch("/credentialSubject/scores", exc.message) from None
    by_id = {c.criterion_id: c for c in result.criteria}
    for n, line in enumerate(lines):
        computed = to_json_number(by_id[line["criterion"]].points)
        if line["points"] != computed or type(line["points"]) is not type(computed):
            raise ScoreMismatch(
                f"/credentialSubject/scores/{n}/points",
                f"says {line['points']!r}; the level gives {computed!r}",
            )
    _same(subject, "total", str(to_json_number(result.total)))
    _same(subject, "maximum", str(to_json_number(result.maximum)))
    _same(subject, "percentage", str(result.percentage))
    _same(subject, "outcome", result.outcome.value)
    _same(subject, "band", result.band)
    return result


def _same(subject: Mapping[str, Any], key: str, computed: object) -> None:
    stated = subject[key]
    if stated != computed:
        raise ScoreMismatch(
            f"/credentialSubject/{key}", f"says {stated!r}; the rubric gives {computed!r}"
        )


def points_text(value: Decimal) -> str:
    return str(to_json_number(value))
