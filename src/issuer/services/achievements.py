"""Achievements as Open Badges 3.0 describes them: criteria from the rubric version applied
(or, for a stacked achievement, its prerequisites), CASE alignment, the image."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor.domain.numbers import fmt
from issuer.issuance import credential as c
from issuer.services.scores import rubric_from_document
from issuer.store import models as m


def achievement_def(
    base: str,
    definition: dict[str, Any],
    criteria: tuple[c.CriterionDef, ...],
    alignment: tuple[c.Alignment, ...],
) -> c.AchievementDef:
    url = c.achievement_url(base, definition["id"])
    return c.AchievementDef(
        id=definition["id"],
        name=definition["name"],
        description=definition["description"],
        criteria_narrative=definition["criteria"]["narrative"],
        level=definition["level"],
        criteria=criteria,
        image_url=f"{url}/image" if definition.get("image") else None,  # None: drawn badge
        alignment=alignment,
        validity_days=definition["validityDays"],
        tags=tuple(definition["tags"]),
    )


def rubric_criteria(
    version: m.RubricVersion,
) -> tuple[tuple[c.CriterionDef, ...], tuple[c.Alignment, ...], str]:
    """The rubric version as OB criteria, its CASE alignment, and its maximum."""
    rubric = rubric_from_document(version.digest, version.document)
    criteria = tuple(
        c.CriterionDef(
            id=criterion.id,
            name=criterion.title,
            levels=tuple(
                c.LevelDef(level.id, level.title, fmt(level.points), level.descriptor or None)
                for level in criterion.levels
            ),
            required_level=criterion.minimum_level,
        )
        for criterion in rubric.criteria
    )
    return criteria, case_alignment(rubric.extra, version.title), fmt(rubric.max_points)


def prerequisite_criteria(
    session: Session, definition: dict[str, Any]
) -> tuple[c.CriterionDef, ...]:
    found = []
    for prerequisite_id in definition["prerequisites"]:
        prerequisite = session.get(m.Achievement, prerequisite_id)
        assert prerequisite is not None  # foreign key
        found.append(
            c.CriterionDef(prerequisite.id, prerequisite.name, (c.LevelDef("held", "Held"),))
        )
    return tuple(found)


def achievement_json(session: Session, base: str, goal: m.Achievement) -> dict[str, Any]:
    """The achievement as its public page shows it: criteria from the newest assessment that
    awards it, else the prerequisites it stacks, else its narrative alone."""
    definition = json.loads(goal.document)
    assessment = session.scalar(
        select(m.Assessment)
        .where(m.Assessment.achievement_id == goal.id)
        .order_by(m.Assessment.created_at.desc())
        .limit(1)
    )
    maximum = None
    if assessment is not None:
        version = session.get(m.RubricVersion, assessment.rubric_version_id)
        assert version is not None
        criteria, alignment, maximum = rubric_criteria(version)
    else:
        criteria, alignment = prerequisite_criteria(session, definition), ()
    if not criteria:
        criteria = (c.CriterionDef(goal.id, goal.name, (c.LevelDef("met", "Met"),)),)
    return c.achievement_json(base, achievement_def(base, definition, criteria, alignment), maximum)


def stacking_rule(achievement_id: str, prerequisites: list[str]) -> dict[str, Any]:
    return {
        "achievement": achievement_id,
        "prerequisites": sorted(prerequisites),
        "rule": "all held",
    }


def case_alignment(extra: Any, title: str) -> tuple[c.Alignment, ...]:
    """The CASE CFRubric a rubric was imported from (docs/rubric-format.md), as an alignment."""
    case = extra.get("case") if isinstance(extra, dict) else None
    if not isinstance(case, dict) or not case.get("rubricUri"):
        return ()
    return (
        c.Alignment(
            target_name=title,
            target_url=case["rubricUri"],
            target_type="CFRubric",
            target_code=case.get("rubric"),
            target_framework=case.get("documentUri"),
        ),
    )
