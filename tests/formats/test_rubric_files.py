"""Rubric files: strict JSON, format detection, the CASE 1.1 schema and mapping, JSON Schema."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assessor.domain.errors import Problem, ValidationFailed
from assessor.domain.rubric import Rubric
from assessor.domain.rubric_format import parse_rubric_document
from assessor.formats.rubric_files import (
    CASE_FORMAT,
    OWN_FORMAT,
    case_rubric_id,
    load_rubric_file,
    load_schema,
    parse_case_package,
    read_rubric_file,
    slugify,
    validate_rubric_files,
)
from assessor.security.canonical import canonicalize, loads_strict
from assessor.security.digests import digest_json
from tests.conftest import CONFORMANCE

CASE_OFFICIAL = CONFORMANCE / "case" / "case-v1p1-cfpackage.json"
RESOURCES = Path(str(resources.files("assessor") / "resources"))
DEMO = RESOURCES / "demo" / "rubrics"
CASE_DEMO = DEMO / "case-code-review.json"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rubrics"
OWN_DEMOS = sorted(p for p in DEMO.glob("*.json") if p != CASE_DEMO)


def write(tmp_path: Path, content: bytes | str | object, name: str = "rubric.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return path


def failure(path: Path) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        read_rubric_file(path)
    assert caught.value.source == str(path)
    return caught.value


def case_demo() -> dict[str, Any]:
    return json.loads(CASE_DEMO.read_text(encoding="utf-8"))


def case_problems(doc: object) -> list[Problem]:
    with pytest.raises(ValidationFailed) as caught:
        parse_case_package(doc)
    return list(caught.value.problems)


# ---- reading files ------------------------------------------------------------------------


def test_every_demo_file_reads_in_its_format() -> None:
    formats = {p.name: load_rubric_file(p).format for p in DEMO.glob("*.json")}
    assert formats == {
        "safe-isolation.json": OWN_FORMAT,
        "site-induction-checklist.json": OWN_FORMAT,
        "reflective-practice.json": OWN_FORMAT,
        "case-code-review.json": CASE_FORMAT,
    }
    assert validate_rubric_files(sorted(DEMO.glob("*.json"))) == []


def test_bad_json_reports_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "format": "assessor-rubric/1",\n  "id": \n}\n')
    assert failure(path).lines() == [f"{path}: line 4 column 1: Expecting value"]


def test_duplicate_keys_are_reported_by_pointer(tmp_path: Path) -> None:
    doc = json.loads((DEMO / "safe-isolation.json").read_text(encoding="utf-8"))
    text = json.dumps(doc, indent=2).replace(
        '"title": "Prove dead",', '"title": "Prove dead",\n"title": "Prove it dead",', 1
    )
    assert failure(write(tmp_path, text)).problems == (
        Problem("/criteria/3/title", "duplicate key 'title'"),
    )


def test_not_utf8_and_huge_integers_are_problems_not_crashes(tmp_path: Path) -> None:
    assert failure(write(tmp_path, b'{"id": "\xff"}')).problems[0].location == "byte 8"
    huge = write(tmp_path, '{"n": ' + "9" * 5000 + "}", "huge.json")
    assert "too long" in failure(huge).problems[0].message


def test_unreadable_and_oversized_files_are_problems(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    problem = failure(missing).problems[0]
    assert problem.location == "" and problem.message.startswith("cannot read the file")
    big = write(tmp_path, b" " * (5 * 1024 * 1024 + 1), "big.json")
    assert failure(big).problems == (Problem("", "larger than 5 MB; not a rubric file"),)


def test_validate_lists_every_problem_of_every_file(tmp_path: Path) -> None:
    good = DEMO / "safe-isolation.json"
    bad_json = write(tmp_path, "{", "bad.json")
    many = FIXTURES / "invalid" / "many-problems.json"
    lines = validate_rubric_files([good, bad_json, many])
    assert (
        lines[0]
        == f"{bad_json}: line 1 column 2: Expecting property name enclosed in double quotes"
    )
    assert len(lines) == 1 + 12
    assert all(line.startswith(f"{many}: /") for line in lines[1:])
    assert f"{many}: /criteria/0/wieght: unknown key 'wieght' (did you mean 'weight'?)" in lines


def test_a_document_that_is_no_rubric_at_all(tmp_path: Path) -> None:
    problems = failure(write(tmp_path, [1, 2])).problems
    assert problems == (Problem("", "a rubric document must be a JSON object"),)


# ---- digests ------------------------------------------------------------------------------


def test_digest_is_over_the_normalised_document_whatever_the_source_form(tmp_path: Path) -> None:
    original = read_rubric_file(DEMO / "site-induction-checklist.json")[0]
    normalised_file = write(tmp_path, original.to_document())
    again = read_rubric_file(normalised_file)[0]
    assert again == original
    assert digest_json(again.to_document()) == digest_json(original.to_document())
    assert digest_json(original.to_document()).startswith("uEi")
    # Decimal spelling does not matter: 2.50 and "2.5" are the same content.
    doc = loads_strict((FIXTURES / "valid" / "analytic-decimals.json").read_bytes())
    doc["criteria"][0]["levels"][1]["points"] = Decimal("2.50")
    respelled = parse_rubric_document(doc)
    assert canonicalize(respelled.to_document()) == canonicalize(
        read_rubric_file(FIXTURES / "valid" / "analytic-decimals.json")[0].to_document()
    )


# ---- CASE 1.1 -----------------------------------------------------------------------------


def test_packaged_case_schema_is_a_byte_for_byte_copy_of_the_official_one() -> None:
    packaged = RESOURCES / "schemas" / "case-v1p1-cfpackage.json"
    assert packaged.read_bytes() == CASE_OFFICIAL.read_bytes()


def test_case_demo_validates_against_the_official_schema_directly() -> None:
    schema = json.loads(CASE_OFFICIAL.read_text(encoding="utf-8"))
    validator_class = jsonschema.Draft201909Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(case_demo())] == []


def test_case_demo_maps_to_an_analytic_rubric_with_provenance() -> None:
    (rubric,) = read_rubric_file(CASE_DEMO)
    doc = case_demo()
    cf_rubric = doc["CFRubrics"][0]
    assert rubric.id == case_rubric_id(cf_rubric["identifier"]) == "case-" + cf_rubric["identifier"]
    assert rubric.title == "Peer code review" and rubric.kind.value == "analytic"
    assert [c.title for c in rubric.criteria] == ["Correctness", "Tests", "Feedback"]
    assert [c.weight for c in rubric.criteria] == [2, 1, 1]
    assert rubric.criteria[0].id == cf_rubric["CFRubricCriteria"][0]["identifier"]
    assert rubric.criteria[0].description.startswith("Checks that a change is correct")
    assert rubric.criteria[0].level_ids() == ["beginning", "developing", "proficient", "exemplary"]
    assert [lv.points for lv in rubric.criteria[0].levels] == [0, 1, 2, 3]
    assert rubric.criteria[0].levels[0].descriptor.startswith("Approves changes without")
    assert rubric.pass_rule.kind.value == "percentage" and rubric.pass_rule.threshold == 50
    assert rubric.extra == {
        "case": {
            "document": doc["CFDocument"]["identifier"],
            "documentUri": doc["CFDocument"]["uri"],
            "rubric": cf_rubric["identifier"],
            "rubricUri": cf_rubric["uri"],
            "lastChangeDateTime": cf_rubric["lastChangeDateTime"],
        }
    }
    assert parse_rubric_document(rubric.to_document()) == rubric


def test_case_schema_errors_are_reported_with_their_location() -> None:
    doc = case_demo()
    del doc["CFDocument"]["creator"]
    doc["CFDocument"]["lastChangeDateTime"] = "15/09/2025"
    level = doc["CFRubrics"][0]["CFRubricCriteria"][1]["CFRubricCriterionLevels"][2]
    level["score"] = "2"
    level["colour"] = "green"
    doc["CFRubrics"][0]["identifier"] = "not-a-uuid"
    where = "/CFRubrics/0/CFRubricCriteria/1/CFRubricCriterionLevels/2"
    assert case_problems(doc) == [
        Problem("/CFDocument", "missing required field 'creator'"),
        Problem("/CFDocument/lastChangeDateTime", "'15/09/2025' is not a valid date-time"),
        Problem(f"{where}/colour", "unknown key 'colour'"),
        Problem(f"{where}/score", "must be a number"),
        Problem("/CFRubrics/0/identifier", "'not-a-uuid' is not a valid uuid"),
    ]


def test_case_file_errors_carry_the_file_name(tmp_path: Path) -> None:
    doc = case_demo()
    doc["CFRubrics"][0]["CFRubricCriteria"][0]["position"] = "first"
    path = write(tmp_path, doc, "case.json")
    assert validate_rubric_files([path]) == [
        f"{path}: /CFRubrics/0/CFRubricCriteria/0/position: must be an integer"
    ]


def test_integral_decimals_count_as_integers_as_json_schema_says() -> None:
    doc = case_demo()
    doc["CFRubrics"][0]["CFRubricCriteria"][0]["position"] = Decimal("1.0")
    assert len(parse_case_package(doc)) == 1


def test_case_criteria_are_ordered_by_position() -> None:
    doc = case_demo()
    criteria = doc["CFRubrics"][0]["CFRubricCriteria"]
    for criterion, position in zip(criteria, (3, 1, 2), strict=True):
        criterion["position"] = position
    (rubric,) = parse_case_package(doc)
    assert [c.title for c in rubric.criteria] == ["Tests", "Feedback", "Correctness"]


def test_case_levels_without_positions_are_ordered_by_score() -> None:
    doc = case_demo()
    levels = doc["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    for level in levels:
        del level["position"]
    levels.reverse()
    (rubric,) = parse_case_package(doc)
    assert [lv.points for lv in rubric.criteria[0].levels] == [0, 1, 2, 3]


def test_case_levels_listed_best_first_are_read_low_to_high() -> None:
    doc = case_demo()
    levels = doc["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    for level in levels:
        level["position"] = 5 - level["position"]  # Exemplary first, as many tables show it
    (rubric,) = parse_case_package(doc)
    assert rubric.criteria[0].level_ids() == ["beginning", "developing", "proficient", "exemplary"]


def test_case_level_scores_that_do_not_ascend_are_reported_in_the_package() -> None:
    doc = case_demo()
    levels = doc["CFRubrics"][0]["CFRubricCriteria"][2]["CFRubricCriterionLevels"]
    levels[1]["score"], levels[2]["score"] = 2, 1
    (problem,) = case_problems(doc)
    assert problem.location == "/CFRubrics/0/CFRubricCriteria/2/CFRubricCriterionLevels/2/score"
    assert "must be above the points of the level before it" in problem.message


def test_case_missing_scores_and_titles_are_reported() -> None:
    doc = case_demo()
    criterion = doc["CFRubrics"][0]["CFRubricCriteria"][1]
    del criterion["CFRubricCriterionLevels"][0]["score"]
    for key in ("category", "description", "CFItemURI"):
        del criterion[key]
    where = "/CFRubrics/0/CFRubricCriteria/1"
    assert case_problems(doc) == [
        Problem(where, "needs a 'category' or 'description' to show as its title"),
        Problem(
            f"{where}/CFRubricCriterionLevels/0",
            "missing 'score': Assessor needs the points of each level",
        ),
    ]


def test_case_weight_must_be_positive() -> None:
    doc = case_demo()
    doc["CFRubrics"][0]["CFRubricCriteria"][1]["weight"] = 0
    assert case_problems(doc) == [
        Problem("/CFRubrics/0/CFRubricCriteria/1/weight", "must be greater than 0")
    ]


def test_case_level_ids_fall_back_to_identifiers_when_qualities_repeat() -> None:
    doc = case_demo()
    levels = doc["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    levels[1]["quality"] = levels[0]["quality"]
    (rubric,) = parse_case_package(doc)
    assert rubric.criteria[0].level_ids() == [lv["identifier"] for lv in levels]
    assert rubric.criteria[1].level_ids()[0] == "beginning"


def test_several_rubrics_in_one_package(tmp_path: Path) -> None:
    doc = case_demo()
    second = copy.deepcopy(doc["CFRubrics"][0])
    second["identifier"] = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    second["title"] = "Peer code review (short form)"
    second["CFRubricCriteria"] = second["CFRubricCriteria"][:1]
    doc["CFRubrics"].append(second)
    rubrics = read_rubric_file(write(tmp_path, doc))
    assert [r.id for r in rubrics] == [
        case_rubric_id(doc["CFRubrics"][0]["identifier"]),
        "case-0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
    ]
    assert len(rubrics[1].criteria) == 1


def test_duplicate_rubrics_in_one_package() -> None:
    doc = case_demo()
    doc["CFRubrics"].append(copy.deepcopy(doc["CFRubrics"][0]))
    (problem,) = case_problems(doc)
    assert problem.location == "/CFRubrics/1/identifier" and "duplicate" in problem.message


def test_problems_of_every_rubric_in_a_package_are_reported() -> None:
    doc = case_demo()
    broken = copy.deepcopy(doc["CFRubrics"][0])
    broken["identifier"] = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    broken["CFRubricCriteria"][0]["weight"] = -1
    doc["CFRubrics"] = [broken, copy.deepcopy(broken)]
    doc["CFRubrics"][1]["identifier"] = "1f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    locations = [p.location for p in case_problems(doc)]
    assert locations == [
        "/CFRubrics/0/CFRubricCriteria/0/weight",
        "/CFRubrics/1/CFRubricCriteria/0/weight",
    ]


def test_a_package_without_rubrics_is_refused() -> None:
    doc = case_demo()
    del doc["CFRubrics"]
    assert case_problems(doc) == [Problem("", "this CASE package has no CFRubrics to import")]
    doc["CFRubrics"] = []
    assert case_problems(doc) == [Problem("/CFRubrics", "lists no rubrics")]


def test_a_rubric_without_criteria_is_refused() -> None:
    doc = case_demo()
    del doc["CFRubrics"][0]["CFRubricCriteria"]
    assert case_problems(doc)[0] == Problem(
        "/CFRubrics/0", "has no CFRubricCriteria; a rubric needs at least one"
    )


def test_slugify() -> None:
    assert slugify("Highly Proficient") == "highly-proficient"
    assert slugify("Très bien!") == "tres-bien"
    assert slugify("—") == ""


# ---- JSON Schema of the own format --------------------------------------------------------

VALID_FILES = OWN_DEMOS + sorted((FIXTURES / "valid").glob("*.json"))


def rubric_validator() -> jsonschema.Draft202012Validator:
    schema = load_schema("rubric.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: p.name)
def test_valid_files_and_their_normalised_forms_pass_the_json_schema(path: Path) -> None:
    doc = loads_strict(path.read_bytes())
    validator = rubric_validator()
    assert [e.message for e in validator.iter_errors(doc)] == []
    normalised = parse_rubric_document(doc).to_document()
    assert [e.message for e in validator.iter_errors(normalised)] == []


def _safe_isolation() -> dict[str, Any]:
    doc: dict[str, Any] = loads_strict((DEMO / "safe-isolation.json").read_bytes())
    return doc


STRUCTURAL = {
    "unknown key": lambda d: d["criteria"][0].update(wieght=1),
    "missing title": lambda d: d["criteria"][0].pop("title"),
    "wrong type": lambda d: d.update(title=3),
    "bad id": lambda d: d.update(id="Safe Isolation"),
    "empty criteria": lambda d: d.update(criteria=[]),
    "empty levels": lambda d: d["criteria"][0].update(levels=[]),
    "negative points": lambda d: d["criteria"][0]["levels"][0].update(points=-1),
    "boolean points": lambda d: d["criteria"][0]["levels"][0].update(points=True),
    "zero weight": lambda d: d["criteria"][0].update(weight=0),
    "critical without minimum": lambda d: d["criteria"][3].pop("minimumLevel"),
    "minimum without critical": lambda d: d["criteria"][3].pop("critical"),
    "percentage over 100": lambda d: d["passRule"].update(threshold=101),
    "unknown kind": lambda d: d.update(kind="rating"),
    "wrong format": lambda d: d.update(format="assessor-rubric/2"),
    "levels on analytic": lambda d: d.update(levels=d["criteria"][0]["levels"]),
    "range without max": lambda d: d["criteria"][4]["levels"][1].update(points={"min": 1}),
}


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_structural_mistakes_fail_both_the_schema_and_the_parser(name: str) -> None:
    doc = _safe_isolation()
    STRUCTURAL[name](doc)
    assert list(rubric_validator().iter_errors(doc)), "the schema should refuse it"
    with pytest.raises(ValidationFailed):
        parse_rubric_document(doc)


def test_semantic_mistakes_are_left_to_the_parser() -> None:
    # Documented: the schema cannot see duplicate ids or level order.
    doc = _safe_isolation()
    doc["criteria"][1]["id"] = doc["criteria"][0]["id"]
    assert list(rubric_validator().iter_errors(doc)) == []
    with pytest.raises(ValidationFailed):
        parse_rubric_document(doc)


def test_rubric_type_is_what_read_returns() -> None:
    assert all(isinstance(r, Rubric) for p in VALID_FILES for r in read_rubric_file(p))


# ---- one pass: the schema's problems and the mapping's together (issue 10) ------------------


def four_defects() -> dict[str, Any]:
    """The CASE demo with the four defects of issue 10: a negative weight, a level without an
    identifier, a score that is not a number, a criterion identifier used twice."""
    doc = case_demo()
    criteria = doc["CFRubrics"][0]["CFRubricCriteria"]
    criteria[0]["weight"] = -1
    del criteria[1]["CFRubricCriterionLevels"][0]["identifier"]
    criteria[1]["CFRubricCriterionLevels"][2]["score"] = "high"
    criteria[2]["identifier"] = criteria[0]["identifier"]
    return doc


def test_case_package_with_four_defects_reports_all_four_in_one_pass(tmp_path: Path) -> None:
    path = write(tmp_path, four_defects(), "four.json")
    where = "/CFRubrics/0/CFRubricCriteria"
    first = case_demo()["CFRubrics"][0]["CFRubricCriteria"][0]["identifier"]
    assert validate_rubric_files([path]) == [
        f"{path}: {where}/0/weight: must be greater than 0",
        f"{path}: {where}/1/CFRubricCriterionLevels/0: missing required field 'identifier'",
        f"{path}: {where}/1/CFRubricCriterionLevels/2/score: must be a number",
        f"{path}: {where}/2/identifier: duplicate criterion id '{first}' (first at {where}/0)",
    ]


def test_own_format_equivalent_of_the_four_defects_reports_all_four(tmp_path: Path) -> None:
    doc = json.loads((DEMO / "safe-isolation.json").read_text(encoding="utf-8"))
    criteria = doc["criteria"]
    criteria[0]["weight"] = -1
    del criteria[1]["levels"][0]["id"]
    criteria[1]["levels"][2]["points"] = "high"
    criteria[2]["id"] = criteria[0]["id"]
    path = write(tmp_path, doc, "four.json")
    assert validate_rubric_files([path]) == [
        f"{path}: /criteria/0/weight: must be greater than 0",
        f"{path}: /criteria/1/levels/0: missing required field 'id'",
        f"{path}: /criteria/1/levels/2/points: 'high' is not a decimal number "
        '(write it like "2.5")',
        f"{path}: /criteria/2/id: duplicate criterion id '{criteria[0]['id']}' "
        "(first at /criteria/0)",
    ]


def test_a_value_the_schema_refused_is_not_reported_again_by_the_mapping() -> None:
    doc = case_demo()
    level = doc["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"][1]
    level["score"] = "1.5"  # a string: the schema says so; the mapping must not add its own
    level["identifier"] = "Not A UUID"
    assert case_problems(doc) == [
        Problem(
            "/CFRubrics/0/CFRubricCriteria/0/CFRubricCriterionLevels/1/identifier",
            "'Not A UUID' is not a valid uuid",
        ),
        Problem(
            "/CFRubrics/0/CFRubricCriteria/0/CFRubricCriterionLevels/1/score", "must be a number"
        ),
    ]


def _mutations(doc: object, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path into the document."""
    found = [at]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _mutations(value, (*at, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _mutations(value, (*at, index))
    return found


_JUNK: list[object] = [None, True, Decimal("0.5"), "\x1b[2J", [1], {"a": 1}]


@pytest.mark.parametrize("junk", _JUNK, ids=repr)
def test_any_value_of_any_type_anywhere_in_a_case_package_is_a_problem_not_a_crash(
    junk: object,
) -> None:
    """Every place in the demo package replaced by a value of every JSON type: the mapping
    runs on documents the schema refused, so it must read every field defensively. Every
    location reported is a place in the package, never in the internal rubric document."""
    original = case_demo()
    for path in _mutations(original["CFRubrics"]):
        doc = copy.deepcopy(original)
        parent: Any = doc["CFRubrics"]
        for step in path[:-1]:
            parent = parent[step]
        if path:
            parent[path[-1]] = copy.deepcopy(junk)
        else:
            doc["CFRubrics"] = copy.deepcopy(junk)
        try:
            parse_case_package(doc)
        except ValidationFailed as exc:
            for problem in exc.problems:
                assert problem.location == "" or problem.location.startswith("/CF"), problem
                assert "/criteria" not in problem.message, problem


# ---- control characters, precision and non-text in CASE packages (issue 11) ----------------

_RUBRIC = "/CFRubrics/0"
_CRIT = "/CFRubrics/0/CFRubricCriteria/1"


@pytest.mark.parametrize(
    ("path", "value", "location"),
    [
        (("title",), "Peer review\x1b[2J", f"{_RUBRIC}/title"),
        (("description",), "Clears\x1b[2J", f"{_RUBRIC}/description"),
        (("CFRubricCriteria", 1, "category"), "Tests\x9b31m", f"{_CRIT}/category"),
        (("CFRubricCriteria", 1, "description"), "x\x00y", f"{_CRIT}/description"),
        (
            ("CFRubricCriteria", 1, "CFRubricCriterionLevels", 2, "quality"),
            "Pro\x7fficient",
            f"{_CRIT}/CFRubricCriterionLevels/2/quality",
        ),
        (
            ("CFRubricCriteria", 1, "CFRubricCriterionLevels", 2, "description"),
            "fine\nthen \x1b[1A",
            f"{_CRIT}/CFRubricCriterionLevels/2/description",
        ),
    ],
)
def test_case_control_characters_are_refused_at_their_place_in_the_package(
    path: tuple[str | int, ...], value: str, location: str
) -> None:
    doc = case_demo()
    target: Any = doc["CFRubrics"][0]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    (problem,) = case_problems(doc)
    assert problem.location == location
    assert "contains a control character (U+" in problem.message


@pytest.mark.parametrize(
    ("path", "value", "location"),
    [
        (
            ("CFRubricCriterionLevels", 3, "score"),
            Decimal("3.00001"),
            f"{_CRIT}/CFRubricCriterionLevels/3/score",
        ),
        (
            ("CFRubricCriterionLevels", 3, "score"),
            Decimal("2." + "0" * 67 + "1"),
            f"{_CRIT}/CFRubricCriterionLevels/3/score",
        ),
        (("weight",), Decimal("0.12345"), f"{_CRIT}/weight"),
    ],
)
def test_case_numbers_beyond_the_precision_bound_are_refused(
    path: tuple[str | int, ...], value: Decimal, location: str
) -> None:
    doc = case_demo()
    target: Any = doc["CFRubrics"][0]["CFRubricCriteria"][1]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    (problem,) = case_problems(doc)
    assert problem.location == location and "more than 4 decimal places" in problem.message


def test_a_seventy_digit_level_in_a_file_is_refused_before_anything_is_imported(
    tmp_path: Path,
) -> None:
    doc = json.loads((DEMO / "safe-isolation.json").read_text(encoding="utf-8"))
    text = json.dumps(doc).replace('"points": 3', '"points": 2.' + "0" * 67 + "1", 1)
    problems = failure(write(tmp_path, text)).problems
    assert len(problems) == 1 and "more than 4 decimal places" in problems[0].message


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ('{"format": "assessor-rubric/1", "id": "x", "title": "\\ud800"}', "/title"),
        ('{"CFDocument": {"title": "A\\udc00"}, "CFRubrics": []}', "/CFDocument/title"),
        ('{"format": "assessor-rubric/1", "\\udfffk": 1}', "/\\udfffk"),
    ],
)
def test_lone_surrogates_in_a_rubric_file_are_refused_with_their_place(
    tmp_path: Path, text: str, location: str
) -> None:
    path = write(tmp_path, text)
    (line,) = validate_rubric_files([path])
    assert line.startswith(f"{path}: {location}: ") and "lone surrogate" in line
    line.encode("utf-8")  # printable


def test_a_duplicate_key_with_a_control_character_is_named_escaped(tmp_path: Path) -> None:
    path = write(tmp_path, '{"format": "assessor-rubric/1", "\\u001b[2J": 1, "\\u001b[2J": 2}')
    (line,) = validate_rubric_files([path])
    assert "\x1b" not in line
    assert line == f"{path}: /\\x1b[2J: duplicate key '\\x1b[2J'"


@pytest.mark.parametrize("key", ["²", "9" * 5000])
def test_odd_unknown_keys_in_a_case_package_are_reported_not_crashed_on(key: str) -> None:
    doc = case_demo()
    doc["CFRubrics"][0]["CFRubricCriteria"][0][key] = 1
    doc["CFRubrics"][0]["CFRubricCriteria"][1]["weight"] = -1
    found = case_problems(doc)
    assert [p.message for p in found] == [f"unknown key '{key}'", "must be greater than 0"]
