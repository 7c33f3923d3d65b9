"""Rubric diff: every kind of change, with its path, values, sentence and a stable order."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from assessor.domain.rubric import (
    Criterion,
    GradeBand,
    Level,
    PassRule,
    PassRuleKind,
    Rubric,
    RubricKind,
)
from assessor.domain.rubric_diff import Change, diff_rubrics


def levels(top: int = 3) -> tuple[Level, ...]:
    names = ["not-yet", "developing", "competent", "proficient"]
    return tuple(Level(names[i], names[i].title(), Decimal(i)) for i in range(top + 1))


def rubric(**changes: object) -> Rubric:
    base = Rubric(
        id="wiring",
        title="Wiring",
        kind=RubricKind.ANALYTIC,
        criteria=(
            Criterion("plan", "Plan the route", levels()),
            Criterion("prove-dead", "Prove dead", levels(), Decimal(3), minimum_level="competent"),
            Criterion("record", "Record results", levels(), Decimal(1)),
        ),
        pass_rule=PassRule(PassRuleKind.PERCENTAGE, Decimal(60)),
        bands=(GradeBand("pass", "Pass"), GradeBand("merit", "Merit", min_percentage=Decimal(70))),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def with_criterion(index: int, **changes: object) -> Rubric:
    criteria = list(rubric().criteria)
    criteria[index] = dataclasses.replace(criteria[index], **changes)  # type: ignore[arg-type]
    return rubric(criteria=tuple(criteria))


def only(a: Rubric, b: Rubric) -> Change:
    changes = diff_rubrics(a, b)
    assert len(changes) == 1, changes
    return changes[0]


def test_equal_rubrics_have_no_changes() -> None:
    assert diff_rubrics(rubric(), rubric()) == []


def test_level_points_change() -> None:
    new_levels = (
        *levels()[:2],
        dataclasses.replace(levels()[2], points=Decimal("2.5")),
        levels()[3],
    )
    change = only(rubric(), with_criterion(1, levels=new_levels))
    assert change == Change("changed", "criteria/prove-dead/levels/competent/points", "2", "2.5")
    assert change.describe() == (
        "Criterion 'prove-dead', level 'competent': points changed from 2 to 2.5"
    )


def test_level_becoming_a_range_shows_the_range() -> None:
    ranged = dataclasses.replace(levels()[1], max_points=Decimal("1.5"))
    change = only(rubric(), with_criterion(0, levels=(levels()[0], ranged, *levels()[2:])))
    assert (change.before, change.after) == ("1", "1–1.5")


def test_weight_change() -> None:
    change = only(rubric(), with_criterion(2, weight=Decimal(2)))
    assert change == Change("changed", "criteria/record/weight", "1", "2")
    assert change.describe() == "Criterion 'record': weight changed from 1 to 2"


def test_becoming_critical_and_no_longer_critical() -> None:
    made = only(rubric(), with_criterion(0, minimum_level="developing"))
    assert made == Change("added", "criteria/plan/minimumLevel", None, "developing")
    assert made.describe().endswith("minimum level set to 'developing' (now critical)")
    dropped = only(rubric(), with_criterion(1, minimum_level=None))
    assert dropped == Change("removed", "criteria/prove-dead/minimumLevel", "competent", None)
    assert "(no longer critical)" in dropped.describe()


def test_titles_descriptions_and_descriptors() -> None:
    described = dataclasses.replace(levels()[0], descriptor="Does not\nplan")
    b = with_criterion(
        0, title="Plan", description="Route and loads", levels=(described, *levels()[1:])
    )
    assert diff_rubrics(rubric(), b) == [
        Change("changed", "criteria/plan/title", "Plan the route", "Plan"),
        Change("added", "criteria/plan/description", None, "Route and loads"),
        Change("added", "criteria/plan/levels/not-yet/descriptor", None, "Does not\nplan"),
    ]
    assert diff_rubrics(rubric(), b)[2].describe() == (
        "Criterion 'plan', level 'not-yet': descriptor set to 'Does not plan'"
    )


def test_long_values_are_shortened_in_the_sentence_only() -> None:
    long = "x" * 200
    change = only(rubric(), rubric(description=long))
    assert change.after == long
    assert len(change.describe()) < 100 and change.describe().endswith("…'")


def test_criteria_added_and_removed() -> None:
    b = rubric(criteria=(*rubric().criteria[:2], Criterion("label", "Label circuits", levels())))
    assert diff_rubrics(rubric(), b) == [
        Change("added", "criteria/label", None, "Label circuits"),
        Change("removed", "criteria/record", "Record results", None),
    ]
    assert diff_rubrics(rubric(), b)[0].describe() == "Added criterion 'label' ('Label circuits')"
    assert (
        diff_rubrics(rubric(), b)[1].describe() == "Removed criterion 'record' ('Record results')"
    )


def test_levels_added_and_removed() -> None:
    change = only(rubric(), with_criterion(2, levels=levels(2)))
    assert change == Change("removed", "criteria/record/levels/proficient", "Proficient", None)
    assert only(with_criterion(2, levels=levels(2)), rubric()).kind == "added"


def test_reordering_is_a_change_of_its_own() -> None:
    a = rubric()
    b = rubric(criteria=(a.criteria[1], a.criteria[0], a.criteria[2]))
    change = only(a, b)
    assert change == Change(
        "changed", "criteria", "plan, prove-dead, record", "prove-dead, plan, record"
    )
    assert change.describe().startswith("Order of criteria changed from plan, prove-dead")


def test_pass_rule_and_kind() -> None:
    b = rubric(kind=RubricKind.HOLISTIC, pass_rule=PassRule(PassRuleKind.POINTS, Decimal(10)))
    assert diff_rubrics(rubric(), b) == [
        Change("changed", "kind", "analytic", "holistic"),
        Change("changed", "passRule/type", "percentage", "points"),
        Change("changed", "passRule/threshold", "60", "10"),
    ]
    assert diff_rubrics(rubric(), b)[0].describe() == (
        "Rubric kind changed from 'analytic' to 'holistic'"
    )
    assert diff_rubrics(rubric(), b)[2].describe() == "Pass mark changed from 60 to 10"


def test_bands() -> None:
    b = rubric(
        bands=(
            GradeBand("pass", "Pass"),
            GradeBand(
                "merit", "Merit", min_percentage=Decimal(75), every_criterion_at_least="competent"
            ),
            GradeBand("distinction", "Distinction", min_percentage=Decimal(90)),
        )
    )
    assert diff_rubrics(rubric(), b) == [
        Change("changed", "bands/merit/minPercentage", "70", "75"),
        Change("added", "bands/merit/everyCriterionAtLeast", None, "competent"),
        Change("added", "bands/distinction", None, "Distinction"),
    ]
    removed = diff_rubrics(rubric(), rubric(bands=()))
    assert [c.path for c in removed] == ["bands/pass", "bands/merit"]


def test_extra_metadata_is_compared_too() -> None:
    a = rubric(extra={"sector": "Electrical", "level": 2})
    b = rubric(extra={"level": 3, "owner": "Ops"})
    assert diff_rubrics(a, b) == [
        Change("changed", "extra/level", "2", "3"),
        Change("added", "extra/owner", None, "Ops"),
        Change("removed", "extra/sector", "Electrical", None),
    ]


def test_order_is_by_position_in_the_newer_rubric_then_removed_ones() -> None:
    a = rubric()
    new_plan = dataclasses.replace(a.criteria[0], weight=Decimal(2))
    new_record = dataclasses.replace(a.criteria[2], title="Record")
    b = rubric(
        title="Wiring (2027)",
        criteria=(new_record, Criterion("label", "Label", levels()), new_plan),
    )
    paths = [c.path for c in diff_rubrics(a, b)]
    assert paths == [
        "title",
        "criteria/record/title",
        "criteria/label",
        "criteria/plan/weight",
        "criteria/prove-dead",
        "criteria",
    ]
    assert diff_rubrics(a, b) == diff_rubrics(a, b)


def test_changes_are_immutable() -> None:
    change = Change("added", "criteria/x", None, "X")
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.kind = "removed"  # type: ignore[misc]
