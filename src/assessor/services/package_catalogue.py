"""The catalogue of a format 2 submission package: what a receiving data folder needs to score
the work it carries. The assessments, their achievements, and the exact rubric versions, each
version's normalised document a zip entry that is checked against its digest on import.

This module is the format only (plain data, the rules a schema cannot say, the JSON written);
`catalogue_intake` reads it against a data folder. See docs/package-format.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assessor.domain.errors import Problem

MANIFEST = "manifest.json"
RUBRICS_FOLDER = "rubrics"  # where export puts the rubric documents


@dataclass(frozen=True)
class AchievementSpec:
    id: str
    title: str
    kind: str
    level: str = ""
    description: str = ""


@dataclass(frozen=True)
class RubricRef:
    """A rubric version: id, version number and the digest of its normalised document."""

    id: str
    version: int
    digest: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class RubricSpec:
    """A rubric version carried in the package; its document is the zip entry `entry`."""

    ref: RubricRef
    entry: str


@dataclass(frozen=True)
class AssessmentSpec:
    id: str
    title: str
    achievement: str
    rubric: RubricRef
    evidence_expected: str = ""
    signoff_required: bool = False
    double_marking: bool = False
    blind_marking: bool = False
    due_at: datetime | None = None


@dataclass(frozen=True)
class Catalogue:
    achievements: tuple[AchievementSpec, ...] = ()
    rubrics: tuple[RubricSpec, ...] = ()
    assessments: tuple[AssessmentSpec, ...] = ()


def utc_text(moment: datetime) -> str:
    """RFC 3339 in UTC with 'Z', as export writes times."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rubric_entry(ref: RubricRef) -> str:
    """The entry name export gives a rubric version's document (ids are [a-z0-9._-])."""
    return f"{RUBRICS_FOLDER}/{ref.id}@{ref.version}.json"


def _ref(doc: Mapping[str, Any]) -> RubricRef:
    return RubricRef(doc["id"], int(doc["version"]), doc["digest"])


def catalogue_from(
    doc: Mapping[str, Any], parse_time: Callable[[str], datetime | None]
) -> Catalogue:
    """Plain data from a catalogue the schema has accepted."""
    return Catalogue(
        achievements=tuple(
            AchievementSpec(
                a["id"], a["title"], a["kind"], a.get("level", ""), a.get("description", "")
            )
            for a in doc["achievements"]
        ),
        rubrics=tuple(RubricSpec(_ref(r), r["entry"]) for r in doc["rubrics"]),
        assessments=tuple(
            AssessmentSpec(
                id=a["id"],
                title=a["title"],
                achievement=a["achievement"],
                rubric=_ref(a["rubric"]),
                evidence_expected=a.get("evidenceExpected", ""),
                signoff_required=a.get("signoffRequired", False),
                double_marking=a.get("doubleMarking", False),
                blind_marking=a.get("blindMarking", False),
                due_at=parse_time(a["dueAt"]) if "dueAt" in a else None,
            )
            for a in doc["assessments"]
        ),
    )


def catalogue_problems(
    catalogue: Catalogue, artifact_entries: Mapping[str, str], used: Set[str]
) -> list[Problem]:
    """The rules a schema cannot say: unique ids, digests and entries; every assessment's
    achievement and rubric version in the catalogue; a rubric document's entry is no
    artifact's file and not the manifest. The catalogue carries only what the submissions
    need (`used`: their assessments), so a package cannot slip other rubric versions or
    assessments into a data folder."""
    at = f"{MANIFEST}/catalogue"
    problems: list[Problem] = []
    problems += _unique([a.id for a in catalogue.achievements], f"{at}/achievements", "achievement")
    problems += _unique([a.id for a in catalogue.assessments], f"{at}/assessments", "assessment")
    problems += _unique([r.ref.digest for r in catalogue.rubrics], f"{at}/rubrics", "digest")
    problems += _unique([r.ref.ref for r in catalogue.rubrics], f"{at}/rubrics", "rubric version")
    entries: set[str] = set()
    for k, r in enumerate(catalogue.rubrics):
        where = f"{at}/rubrics/{k}/entry"
        if r.entry == MANIFEST:
            problems.append(Problem(where, f"entry '{r.entry}' is the manifest"))
        elif r.entry in artifact_entries or r.entry in entries:
            owner = artifact_entries.get(r.entry, "another rubric")
            problems.append(Problem(where, f"entry '{r.entry}' is already the file of {owner}"))
        entries.add(r.entry)
    achievements = {a.id for a in catalogue.achievements}
    rubrics = {r.ref.digest: r.ref for r in catalogue.rubrics}
    for k, a in enumerate(catalogue.assessments):
        where = f"{at}/assessments/{k}"
        if a.achievement not in achievements:
            problems.append(
                Problem(
                    f"{where}/achievement",
                    f"achievement '{a.achievement}' is not in the catalogue's achievements",
                )
            )
        carried = rubrics.get(a.rubric.digest)
        if carried is None:
            problems.append(
                Problem(
                    f"{where}/rubric",
                    f"rubric version {a.rubric.ref} ({a.rubric.digest}) is not in the "
                    "catalogue's rubrics",
                )
            )
        elif carried != a.rubric:
            problems.append(
                Problem(
                    f"{where}/rubric",
                    f"names {a.rubric.ref} for digest {a.rubric.digest}, which the catalogue "
                    f"carries as {carried.ref}",
                )
            )
    problems += _unused(catalogue, used)
    return problems


def _unused(catalogue: Catalogue, used: Set[str]) -> list[Problem]:
    at = f"{MANIFEST}/catalogue"
    needed = [a for a in catalogue.assessments if a.id in used]
    achievements = {a.achievement for a in needed}
    digests = {a.rubric.digest for a in needed}
    unused = [
        Problem(f"{at}/assessments/{k}", f"assessment '{a.id}' is not one of the submissions'")
        for k, a in enumerate(catalogue.assessments)
        if a.id not in used
    ]
    unused += [
        Problem(f"{at}/achievements/{k}", f"achievement '{a.id}' is no assessment's here")
        for k, a in enumerate(catalogue.achievements)
        if a.id not in achievements
    ]
    unused += [
        Problem(f"{at}/rubrics/{k}", f"rubric version {r.ref.ref} is no assessment's here")
        for k, r in enumerate(catalogue.rubrics)
        if r.ref.digest not in digests
    ]
    return unused


def _unique(values: Sequence[str], at: str, what: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for k, value in enumerate(values):
        if value in first:
            problems.append(
                Problem(
                    f"{at}/{k}", f"{what} '{value}' appears twice (first at {at}/{first[value]})"
                )
            )
        first.setdefault(value, k)
    return problems


def _ref_json(ref: RubricRef) -> dict[str, Any]:
    return {"id": ref.id, "version": ref.version, "digest": ref.digest}


def achievement_json(a: AchievementSpec) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "kind": a.kind, "level": a.level} | (
        {"description": a.description} if a.description else {}
    )


def assessment_json(a: AssessmentSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": a.id,
        "title": a.title,
        "achievement": a.achievement,
        "rubric": _ref_json(a.rubric),
        "signoffRequired": a.signoff_required,
        "doubleMarking": a.double_marking,
        "blindMarking": a.blind_marking,
    }
    if a.evidence_expected:
        doc["evidenceExpected"] = a.evidence_expected
    if a.due_at is not None:
        doc["dueAt"] = utc_text(a.due_at)
    return doc


def catalogue_json(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as export writes it."""
    return {
        "achievements": [achievement_json(a) for a in catalogue.achievements],
        "rubrics": [_ref_json(r.ref) | {"entry": r.entry} for r in catalogue.rubrics],
        "assessments": [assessment_json(a) for a in catalogue.assessments],
    }
