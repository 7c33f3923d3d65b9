"""The own rubric format: round trips, short forms, and one test per class of bad input."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from assessor.domain.errors import Problem, ValidationFailed
from assessor.domain.rubric import (
    HOLISTIC_CRITERION,
    MET,
    NOT_MET,
    Level,
    PassRuleKind,
    Rubric,
    RubricKind,
)
from assessor.domain.rubric_format import parse_rubric_document

DEMO = Path(str(resources.files("assessor") / "resources" / "demo" / "rubrics"))
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rubrics"
OWN_FORMAT_FILES = sorted(
    p for p in DEMO.glob("*.json") if not p.name.startswith("case-")
) + sorted((FIXTURES / "valid").glob("*.json"))


def load(path: Path) -> Any:
    # As loads_strict does: non-integers become exact Decimals.
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def base() -> dict[str, Any]:
    """A small valid analytic rubric; each test breaks one thing in a copy."""
    levels = [
        {"id": "not-yet", "title": "Not yet", "points": 0},
        {"id": "developing", "title": "Developing", "points": 1},
        {"id": "competent", "title": "Competent", "points": 2},
    ]
    return {
        "format": "assessor-rubric/1",
        "id": "wiring",
        "title": "Wiring",
        "kind": "analytic",
        "criteria": [
            {"id": "plan", "title": "Plan", "levels": copy.deepcopy(levels)},
            {"id": "terminate", "title": "Terminate", "weight": 2, "levels": copy.deepcopy(levels)},
        ],
        "passRule": {"type": "percentage", "threshold": 60},
    }


def problems(doc: object) -> list[Problem]:
    with pytest.raises(ValidationFailed) as caught:
        parse_rubric_document(doc)
    return list(caught.value.problems)


def only_problem(doc: object) -> Problem:
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


def broken(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    doc = base()
    change(doc)
    return doc


# ---- valid input --------------------------------------------------------------------------


def test_base_document_is_valid() -> None:
    rubric = parse_rubric_document(base())
    assert rubric.criterion("terminate").weight == 2
    assert rubric.criterion("plan").weight == 1  # the default
    assert rubric.max_points == 6


@pytest.mark.parametrize("path", OWN_FORMAT_FILES, ids=lambda p: p.name)
def test_every_own_format_file_round_trips_through_the_normalised_document(path: Path) -> None:
    rubric = parse_rubric_document(load(path))
    document = rubric.to_document()
    assert parse_rubric_document(document) == rubric
    # …also after going through JSON text, as a stored version does.
    assert parse_rubric_document(json.loads(json.dumps(document), parse_float=Decimal)) == rubric
    assert Rubric.from_document(document) == rubric


def test_demo_safe_isolation_has_what_the_demo_promises() -> None:
    rubric = parse_rubric_document(load(DEMO / "safe-isolation.json"))
    prove_dead = rubric.criterion("prove-dead")
    assert rubric.kind is RubricKind.ANALYTIC and len(rubric.criteria) == 5
    assert prove_dead.minimum_level == "competent" and prove_dead.weight == 3
    assert [c.id for c in rubric.criteria if c.critical] == ["prove-dead"]
    assert any(level.is_range for c in rubric.criteria for level in c.levels)
    assert [(b.id, b.min_percentage) for b in rubric.bands] == [
        ("pass", None),
        ("merit", 70),
        ("distinction", 85),
    ]
    assert rubric.bands[-1].every_criterion_at_least == "competent"
    assert rubric.pass_rule.threshold == 60 and rubric.max_points == 27


def test_checklist_short_form_normalises_to_not_met_and_met() -> None:
    rubric = parse_rubric_document(load(DEMO / "site-induction-checklist.json"))
    item = rubric.criterion("emergency-procedures")
    assert item.levels == (Level(NOT_MET, "Not met", Decimal(0)), Level(MET, "Met", Decimal(2)))
    assert item.minimum_level == MET
    assert rubric.criterion("sign-in").minimum_level is None
    assert rubric.pass_rule.kind is PassRuleKind.POINTS


def test_checklist_short_and_normalised_forms_are_the_same_rubric() -> None:
    short = {
        "format": "assessor-rubric/1",
        "id": "c",
        "title": "C",
        "kind": "checklist",
        "criteria": [{"id": "a", "title": "A", "points": "1.5", "critical": True}],
        "passRule": {"type": "points", "threshold": 1},
    }
    rubric = parse_rubric_document(short)
    normalised = rubric.to_document()
    assert normalised["criteria"][0]["levels"][1] == {"id": "met", "title": "Met", "points": "1.5"}
    assert parse_rubric_document(normalised) == rubric


def test_holistic_short_form_is_one_criterion_named_overall() -> None:
    rubric = parse_rubric_document(load(DEMO / "reflective-practice.json"))
    (overall,) = rubric.criteria
    assert overall.id == HOLISTIC_CRITERION and overall.title == rubric.title
    assert len(overall.levels) == 5 and overall.weight == 1
    assert rubric.to_document()["criteria"][0]["id"] == HOLISTIC_CRITERION


def test_numbers_may_be_integers_decimals_or_decimal_strings() -> None:
    doc = base()
    doc["criteria"][0]["levels"][1]["points"] = Decimal("0.5")
    doc["criteria"][0]["levels"][2]["points"] = "2.50"
    doc["criteria"][1]["weight"] = "1.25"
    rubric = parse_rubric_document(doc)
    assert rubric.criterion("plan").levels[1].points == Decimal("0.5")
    assert rubric.criterion("plan").levels[2].points == Decimal("2.5")
    assert rubric.criterion("terminate").weight == Decimal("1.25")
    assert rubric.to_document()["criteria"][0]["levels"][2]["points"] == "2.5"


# ---- one test per class of bad input -----------------------------------------------------


def test_not_an_object() -> None:
    assert only_problem([1, 2]) == Problem("", "a rubric document must be a JSON object")


@pytest.mark.parametrize(
    ("change", "location", "fragment"),
    [
        (lambda d: d.update(title=5), "/title", "must be a string"),
        (lambda d: d.update(criteria={"a": 1}), "/criteria", "must be a list of criteria"),
        (lambda d: d["criteria"].__setitem__(0, "plan"), "/criteria/0", "must be a JSON object"),
        (lambda d: d["criteria"][0].update(levels="many"), "/criteria/0/levels", "must be a list"),
        (
            lambda d: d["criteria"][0].update(critical="yes"),
            "/criteria/0/critical",
            "true or false",
        ),
        (
            lambda d: d["criteria"][0]["levels"][0].update(descriptor=3),
            "/criteria/0/levels/0/descriptor",
            "string",
        ),
        (lambda d: d.update(extra=[]), "/extra", "must be a JSON object"),
        (lambda d: d.update(bands={}), "/bands", "must be a list of bands"),
    ],
)
def test_wrong_types(
    change: Callable[[dict[str, Any]], object], location: str, fragment: str
) -> None:
    problem = only_problem(broken(change))
    assert problem.location == location and fragment in problem.message


@pytest.mark.parametrize(
    ("change", "location", "field"),
    [
        (lambda d: d.pop("format"), "", "format"),
        (lambda d: d.pop("passRule"), "", "passRule"),
        (lambda d: d.pop("criteria"), "", "criteria"),
        (lambda d: d["criteria"][1].pop("title"), "/criteria/1", "title"),
        (lambda d: d["criteria"][0]["levels"][2].pop("points"), "/criteria/0/levels/2", "points"),
        (lambda d: d["passRule"].pop("threshold"), "/passRule", "threshold"),
    ],
)
def test_missing_required_fields(
    change: Callable[[dict[str, Any]], object], location: str, field: str
) -> None:
    assert only_problem(broken(change)) == Problem(location, f"missing required field '{field}'")


def test_unknown_keys_are_errors_with_a_suggestion() -> None:
    doc = broken(lambda d: d["criteria"][1].update(wieght=3))
    assert only_problem(doc) == Problem(
        "/criteria/1/wieght", "unknown key 'wieght' (did you mean 'weight'?)"
    )
    doc = broken(lambda d: d.update(colour="red"))
    problem = only_problem(doc)
    assert problem.location == "/colour" and "expected one of: bands, criteria" in problem.message


def test_unknown_key_with_a_slash_is_escaped_in_the_pointer() -> None:
    assert only_problem(broken(lambda d: d.update({"a/b": 1}))).location == "/a~1b"


def test_anything_goes_inside_extra() -> None:
    doc = broken(lambda d: d.update(extra={"anyKey": {"nested": [1, "two", None, True]}}))
    assert parse_rubric_document(doc).extra == {"anyKey": {"nested": [1, "two", None, True]}}


def test_fractional_numbers_in_extra_must_be_strings() -> None:
    # Extra is hashed as RFC 8785 JSON, which has no exact form for 2.5.
    problem = only_problem(broken(lambda d: d.update(extra={"ratio": Decimal("2.5")})))
    assert problem.location == "/extra/ratio" and "as a string" in problem.message


def test_empty_criteria() -> None:
    problem = only_problem(broken(lambda d: d.update(criteria=[])))
    assert problem == Problem("/criteria", "must list at least one criterion")


@pytest.mark.parametrize("levels", [[], [{"id": "only", "title": "Only", "points": 1}]])
def test_empty_or_single_levels(levels: list[object]) -> None:
    problem = only_problem(broken(lambda d: d["criteria"][0].update(levels=levels)))
    assert problem.location == "/criteria/0/levels" and "at least two levels" in problem.message


def test_duplicate_criterion_ids() -> None:
    problem = only_problem(broken(lambda d: d["criteria"][1].update(id="plan")))
    assert problem == Problem(
        "/criteria/1/id", "duplicate criterion id 'plan' (first at /criteria/0)"
    )


def test_duplicate_level_ids_within_a_criterion() -> None:
    doc = broken(lambda d: d["criteria"][1]["levels"][2].update(id="not-yet"))
    assert only_problem(doc) == Problem(
        "/criteria/1/levels/2/id", "duplicate level id 'not-yet' (first at /criteria/1/levels/0)"
    )


def test_same_level_ids_in_different_criteria_are_fine() -> None:
    rubric = parse_rubric_document(base())
    assert rubric.criteria[0].level_ids() == rubric.criteria[1].level_ids()


@pytest.mark.parametrize("points", [1, 0, Decimal("0.5")])
def test_levels_must_strictly_ascend(points: object) -> None:
    doc = broken(lambda d: d["criteria"][0]["levels"][2].update(points=points))
    problem = only_problem(doc)
    assert problem.location == "/criteria/0/levels/2/points"
    assert "above the points of the level before it ('developing': 1)" in problem.message


def test_ranges_must_not_overlap_their_neighbours() -> None:
    doc = base()
    doc["criteria"][0]["levels"][1]["points"] = {"min": 1, "max": 2}  # touches 'competent' (2)
    problem = only_problem(doc)
    assert problem.location == "/criteria/0/levels/2/points"
    assert "('developing': 1–2)" in problem.message


def test_range_with_max_below_min() -> None:
    doc = broken(lambda d: d["criteria"][0]["levels"][1].update(points={"min": "1.5", "max": 1}))
    assert only_problem(doc) == Problem(
        "/criteria/0/levels/1/points/max", "must not be below min (1.5)"
    )


def test_range_needs_both_ends_and_nothing_else() -> None:
    doc = broken(lambda d: d["criteria"][0]["levels"][1].update(points={"min": 1, "top": 2}))
    found = {(p.location, p.message) for p in problems(doc)}
    assert ("/criteria/0/levels/1/points", "missing required field 'max'") in found
    assert (
        "/criteria/0/levels/1/points/top",
        "unknown key 'top'; expected one of: max, min",
    ) in found


def test_critical_minimum_level_must_exist() -> None:
    doc = broken(lambda d: d["criteria"][0].update(critical=True, minimumLevel="expert"))
    assert only_problem(doc) == Problem(
        "/criteria/0/minimumLevel",
        "'expert' is not a level of this criterion; its levels are: not-yet, developing, competent",
    )


def test_critical_without_minimum_level() -> None:
    problem = only_problem(broken(lambda d: d["criteria"][0].update(critical=True)))
    assert problem.location == "/criteria/0/critical" and "needs 'minimumLevel'" in problem.message


@pytest.mark.parametrize("critical", [None, False])
def test_minimum_level_without_critical(critical: bool | None) -> None:
    def change(d: dict[str, Any]) -> None:
        d["criteria"][0]["minimumLevel"] = "competent"
        if critical is not None:
            d["criteria"][0]["critical"] = critical

    problem = only_problem(broken(change))
    assert problem.location == "/criteria/0/minimumLevel"
    assert "only for a critical criterion" in problem.message


def test_critical_criterion_is_read() -> None:
    doc = broken(lambda d: d["criteria"][0].update(critical=True, minimumLevel="developing"))
    assert parse_rubric_document(doc).criterion("plan").minimum_level == "developing"


@pytest.mark.parametrize("weight", [0, -1, "0", Decimal("-0.5")])
def test_weight_must_be_positive(weight: object) -> None:
    problem = only_problem(broken(lambda d: d["criteria"][1].update(weight=weight)))
    assert problem == Problem("/criteria/1/weight", "must be greater than 0")


def test_band_every_criterion_at_least_must_be_a_level_of_every_criterion() -> None:
    def change(d: dict[str, Any]) -> None:
        d["criteria"][1]["levels"][2]["id"] = "secure"
        d["bands"] = [
            {"id": "pass", "title": "Pass"},
            {"id": "top", "title": "Top", "everyCriterionAtLeast": "competent"},
        ]

    assert only_problem(broken(change)) == Problem(
        "/bands/1/everyCriterionAtLeast",
        "'competent' must be a level of every criterion; not a level of: terminate",
    )


def test_bands_go_low_to_high() -> None:
    doc = broken(
        lambda d: d.update(
            bands=[
                {"id": "merit", "title": "Merit", "minPercentage": 80},
                {"id": "pass", "title": "Pass"},
                {"id": "credit", "title": "Credit", "minPercentage": 70},
            ]
        )
    )
    problem = only_problem(doc)
    assert problem.location == "/bands/2/minPercentage"
    assert "below the 80 of band 'merit'" in problem.message


def test_duplicate_band_ids() -> None:
    doc = broken(
        lambda d: d.update(bands=[{"id": "pass", "title": "P"}, {"id": "pass", "title": "Q"}])
    )
    assert only_problem(doc).location == "/bands/1/id"


@pytest.mark.parametrize(
    ("rule", "location", "fragment"),
    [
        (
            {"type": "percentage", "threshold": 0},
            "/passRule/threshold",
            "greater than 0 and at most 100",
        ),
        ({"type": "percentage", "threshold": "100.5"}, "/passRule/threshold", "at most 100"),
        (
            {"type": "points", "threshold": 7},
            "/passRule/threshold",
            "at most the rubric's maximum (6 points)",
        ),
        ({"type": "points", "threshold": -1}, "/passRule/threshold", "greater than 0"),
        ({"type": "grade", "threshold": 1}, "/passRule/type", "'percentage' or 'points'"),
        ({"type": "points", "threshold": True}, "/passRule/threshold", "must be a number"),
    ],
)
def test_bad_pass_rule(rule: dict[str, object], location: str, fragment: str) -> None:
    problem = only_problem(broken(lambda d: d.update(passRule=rule)))
    assert problem.location == location and fragment in problem.message


def test_points_pass_mark_equal_to_the_maximum_is_allowed() -> None:
    doc = broken(lambda d: d.update(passRule={"type": "points", "threshold": 6}))
    assert parse_rubric_document(doc).pass_rule.threshold == 6


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (lambda d: d.update(id="Wiring Rubric"), "/id"),
        (lambda d: d.update(id="-wiring"), "/id"),
        (lambda d: d.update(id="w" * 65), "/id"),
        (lambda d: d["criteria"][0].update(id="Plan"), "/criteria/0/id"),
        (lambda d: d["criteria"][0]["levels"][0].update(id="not yet"), "/criteria/0/levels/0/id"),
        (lambda d: d.update(bands=[{"id": "pass/1", "title": "Pass"}]), "/bands/0/id"),
    ],
)
def test_bad_id_syntax(change: Callable[[dict[str, Any]], object], location: str) -> None:
    problem = only_problem(broken(change))
    assert problem.location == location and "is not a valid id" in problem.message


def test_ids_may_use_digits_dots_and_underscores() -> None:
    assert parse_rubric_document(broken(lambda d: d.update(id="unit_3.2-b"))).id == "unit_3.2-b"


@pytest.mark.parametrize(
    ("points", "fragment"),
    [
        (True, "must be a number"),
        (1.5, "must be a number"),  # a float: not exact
        (Decimal("NaN"), "must be a finite number"),
        ("NaN", "not a decimal number"),
        ("1e3", "not a decimal number"),
        ("two", "not a decimal number"),
        (-1, "must not be negative"),
        ("-0.5", "must not be negative"),
        (10**12, "must be less than 1000000000"),
    ],
)
def test_bad_numbers(points: object, fragment: str) -> None:
    problem = only_problem(broken(lambda d: d["criteria"][0]["levels"][0].update(points=points)))
    assert problem.location == "/criteria/0/levels/0/points" and fragment in problem.message


def test_format_and_kind_must_be_known() -> None:
    doc = broken(lambda d: d.update(format="assessor-rubric/2", kind="rating"))
    assert problems(doc) == [
        Problem("/format", "must be 'assessor-rubric/1'"),
        Problem("/kind", "must be one of: analytic, checklist, holistic"),
    ]


def test_blank_titles_are_refused() -> None:
    assert only_problem(broken(lambda d: d.update(title="  "))) == Problem(
        "/title", "must not be empty"
    )


# ---- kinds --------------------------------------------------------------------------------


def checklist(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "assessor-rubric/1",
        "id": "c",
        "title": "Checklist",
        "kind": "checklist",
        "criteria": list(items),
        "passRule": {"type": "percentage", "threshold": 50},
    }


def test_checklist_item_points_must_be_positive() -> None:
    doc = checklist({"id": "a", "title": "A", "points": 0})
    assert only_problem(doc) == Problem("/criteria/0/points", "must be greater than 0")


def test_checklist_item_has_no_minimum_level_in_short_form() -> None:
    doc = checklist({"id": "a", "title": "A", "points": 1, "critical": True, "minimumLevel": "met"})
    assert only_problem(doc).location == "/criteria/0/minimumLevel"


def test_checklist_normalised_form_must_have_not_met_and_met() -> None:
    doc = checklist(
        {
            "id": "a",
            "title": "A",
            "levels": [
                {"id": "no", "title": "No", "points": 0},
                {"id": "yes", "title": "Yes", "points": 1},
            ],
        }
    )
    problem = only_problem(doc)
    assert problem.location == "/criteria/0/levels" and "exactly 'not-met'" in problem.message


def test_analytic_criterion_cannot_use_checklist_points() -> None:
    doc = broken(lambda d: d["criteria"][0].update(points=1))
    assert only_problem(doc).location == "/criteria/0/points"


def test_top_level_levels_only_for_holistic() -> None:
    doc = broken(lambda d: d.update(levels=d["criteria"][0]["levels"]))
    assert only_problem(doc).location == "/levels"


def holistic(**fields: Any) -> dict[str, Any]:
    return {
        "format": "assessor-rubric/1",
        "id": "h",
        "title": "Holistic",
        "kind": "holistic",
        "passRule": {"type": "percentage", "threshold": 50},
        **fields,
    }


LEVELS = [{"id": "low", "title": "Low", "points": 0}, {"id": "high", "title": "High", "points": 2}]


def test_holistic_needs_levels() -> None:
    assert only_problem(holistic()) == Problem("", "missing required field 'levels'")


def test_holistic_gives_levels_or_criteria_not_both() -> None:
    doc = holistic(levels=LEVELS, criteria=[{"id": "overall", "title": "H", "levels": LEVELS}])
    assert only_problem(doc).location == "/levels"


def test_holistic_normalised_form_is_one_criterion_named_overall() -> None:
    doc = holistic(criteria=[{"id": "whole", "title": "H", "levels": LEVELS}])
    problem = only_problem(doc)
    assert problem.location == "/criteria" and "'overall'" in problem.message
    ok = holistic(criteria=[{"id": "overall", "title": "Holistic", "weight": 1, "levels": LEVELS}])
    assert parse_rubric_document(ok) == parse_rubric_document(holistic(levels=LEVELS))


def test_holistic_short_form_levels_are_checked_at_their_place() -> None:
    doc = holistic(levels=[LEVELS[1], LEVELS[0]])
    assert only_problem(doc).location == "/levels/1/points"


# ---- everything at once -------------------------------------------------------------------


def test_a_file_with_many_problems_reports_all_of_them() -> None:
    found = problems(load(FIXTURES / "invalid" / "many-problems.json"))
    assert [p.location for p in found] == [
        "/id",
        "/criteria/0/wieght",
        "/criteria/0/levels/1/points/max",
        "/criteria/0/minimumLevel",
        "/criteria/1/title",
        "/criteria/1/weight",
        "/criteria/1/levels/1/id",
        "/criteria/1/levels/1/points",
        "/criteria/2/levels",
        "/criteria/1/id",
        "/passRule/threshold",
        "/bands/0/everyCriterionAtLeast",
    ]
    assert "'expert' is not a level of this criterion" in found[3].message
    assert "not a level of: one, three" in found[-1].message


# ---- control characters (issue 11, item 9) ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (lambda d: d.update(title="Wiring\x1b[2J"), "/title"),
        (lambda d: d.update(description="Clears \x1b[2J the screen"), "/description"),
        (lambda d: d["criteria"][0].update(title="Plan\x9b"), "/criteria/0/title"),
        (lambda d: d["criteria"][0].update(description="x\x07"), "/criteria/0/description"),
        (
            lambda d: d["criteria"][1]["levels"][2].update(title="Com\x7fpetent"),
            "/criteria/1/levels/2/title",
        ),
        (
            lambda d: d["criteria"][1]["levels"][0].update(descriptor="line\r\x1b[1A"),
            "/criteria/1/levels/0/descriptor",
        ),
        (lambda d: d.update(bands=[{"id": "pass", "title": "Pass\x00"}]), "/bands/0/title"),
        (lambda d: d["criteria"][0].update(title="Plan\nB"), "/criteria/0/title"),
        (lambda d: d.update(extra={"note": "\x1b]0;owned\x07"}), "/extra/note"),
    ],
)
def test_control_characters_in_text_are_refused_at_their_place(
    change: Callable[[dict[str, Any]], object], location: str
) -> None:
    problem = only_problem(broken(change))
    assert problem.location == location
    assert "contains a control character (U+" in problem.message


def test_descriptors_and_descriptions_may_keep_newlines_and_tabs() -> None:
    doc = broken(lambda d: d["criteria"][0]["levels"][0].update(descriptor="First:\n\t- this"))
    doc["description"] = "Two\nlines"
    rubric = parse_rubric_document(doc)
    assert rubric.criteria[0].levels[0].descriptor == "First:\n\t- this"


def test_a_control_character_in_an_unknown_key_is_shown_escaped() -> None:
    problem = only_problem(broken(lambda d: d.update({"ti\x1btle": "x"})))
    assert "\x1b" not in problem.location + problem.message
    assert problem.location == "/ti\\x1btle" and "unknown key 'ti\\x1btle'" in problem.message


# ---- precision (issue 11, item 5) ---------------------------------------------------------

SEVENTY_DIGITS = "2." + "0" * 67 + "1"


@pytest.mark.parametrize(
    ("change", "location", "fragment"),
    [
        (
            lambda d: d["criteria"][0]["levels"][2].update(points=Decimal(SEVENTY_DIGITS)),
            "/criteria/0/levels/2/points",
            "more than 4 decimal places",
        ),
        (
            lambda d: d["criteria"][0]["levels"][2].update(points=SEVENTY_DIGITS),
            "/criteria/0/levels/2/points",
            "more than 4 decimal places",
        ),
        (
            lambda d: d["criteria"][0]["levels"][2].update(points="2.00001"),
            "/criteria/0/levels/2/points",
            "more than 4 decimal places",
        ),
        (
            lambda d: d["criteria"][0].update(weight=Decimal("1.00001")),
            "/criteria/0/weight",
            "more than 4 decimal places",
        ),
        (
            lambda d: d["criteria"][0]["levels"][2].update(points="123456.1234567"),
            "/criteria/0/levels/2/points",
            "more than 4 decimal places",
        ),
        (
            lambda d: d["criteria"][0]["levels"][2].update(points="12345678.12345"),
            "/criteria/0/levels/2/points",
            "more than 4 decimal places",
        ),
        (
            lambda d: d["criteria"][0]["levels"][2].update(points="123456789.1234"),
            "/criteria/0/levels/2/points",
            "more than 12 significant digits",
        ),
        (
            lambda d: d["criteria"][0]["levels"][1].update(points={"min": "0.5", "max": "0.99999"}),
            "/criteria/0/levels/1/points/max",
            "more than 4 decimal places",
        ),
        (
            lambda d: d.update(passRule={"type": "percentage", "threshold": "60.00001"}),
            "/passRule/threshold",
            "more than 4 decimal places",
        ),
        (
            lambda d: d.update(bands=[{"id": "m", "title": "M", "minPercentage": "70.123456"}]),
            "/bands/0/minPercentage",
            "more than 4 decimal places",
        ),
        (
            lambda d: d.update(bands=[{"id": "m", "title": "M", "minPoints": "1.000001"}]),
            "/bands/0/minPoints",
            "more than 4 decimal places",
        ),
    ],
)
def test_numbers_beyond_the_precision_bound_are_refused_at_their_place(
    change: Callable[[dict[str, Any]], object], location: str, fragment: str
) -> None:
    problem = only_problem(broken(change))
    assert problem.location == location
    assert "at most 4 decimal places and 12 significant digits" in problem.message
    assert fragment in problem.message


def test_numbers_within_the_bound_are_read_exactly() -> None:
    doc = broken(lambda d: d["criteria"][0]["levels"][2].update(points="12345678.0000"))
    doc["criteria"][0]["levels"][1]["points"] = Decimal("0.0001")
    doc["criteria"][0]["weight"] = "1.2500"
    doc["passRule"]["threshold"] = Decimal("59.9999")
    rubric = parse_rubric_document(doc)
    assert rubric.criteria[0].levels[1].points == Decimal("0.0001")
    assert rubric.criteria[0].max_points == Decimal("12345678")
    assert rubric.to_document()["criteria"][0]["weight"] == "1.25"


# ---- not Unicode text (issue 11, item 8) --------------------------------------------------


def test_lone_surrogates_are_refused_with_their_place() -> None:
    doc = broken(lambda d: d["criteria"][1].update(title="Ter\ud800minate"))
    doc["extra"] = {"k\udfff": "v"}
    found = problems(doc)
    assert [p.location for p in found] == ["/criteria/1/title", "/extra/k\\udfff"]
    assert all("lone surrogate" in p.message for p in found)
    for p in found:
        (p.location + p.message).encode("utf-8")  # printable: no surrogate left in the words
