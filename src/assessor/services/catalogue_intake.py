"""A package's catalogue against a data folder: read and check the rubric documents it carries,
plan what the folder lacks (refusing what contradicts it), write that plan; and, for export,
the catalogue of the assessments some submissions belong to.

The rules (docs/package-format.md, "Catalogue"):
- a rubric document must be one own-format rubric whose digest is the manifest's: a changed
  document is refused, naming its entry;
- a rubric version this folder has under the same id and version with other content is
  refused, naming both digests; the same content is used as it is (also when this folder
  numbers it differently); an unpublished draft with that content must be published first;
- an assessment this folder has must apply the same rubric version and agree on its
  achievement, blind marking, sign-off and double marking; its title, evidence and due date
  stay as this folder has them. An achievement this folder has is used as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assessor.domain.errors import DomainError, Problem, UnknownChoice, ValidationFailed
from assessor.domain.policy import Operation
from assessor.domain.rubric import Rubric
from assessor.formats.rubric_files import MAX_FILE_BYTES, OWN_FORMAT, parse_rubric_bytes
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes
from assessor.services.access import operation
from assessor.services.package_catalogue import (
    MANIFEST,
    AchievementSpec,
    AssessmentSpec,
    Catalogue,
    RubricRef,
    RubricSpec,
    achievement_json,
    assessment_json,
    rubric_entry,
)
from assessor.services.package_zip import SafeZip
from assessor.services.rubrics import adopt_version
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store.db import Tx

SOURCE_FORMAT = "package"
_AT = f"{MANIFEST}/catalogue"


@dataclass
class CataloguePlan:
    """What an import adds to the data folder besides submissions and learners."""

    achievements: list[AchievementSpec] = field(default_factory=list)
    rubrics: list[tuple[RubricSpec, Rubric]] = field(default_factory=list)
    assessments: list[AssessmentSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the person should know

    @property
    def empty(self) -> bool:
        return not (self.achievements or self.rubrics or self.assessments)

    def audit(self) -> dict[str, object]:
        """For the package.import event: everything added, whole, so the event alone says
        what the rows must hold."""
        return {
            "achievements": [achievement_json(a) for a in self.achievements],
            "rubrics": [
                {"id": s.ref.id, "version": s.ref.version, "digest": s.ref.digest}
                for s, _ in self.rubrics
            ],
            "assessments": [assessment_json(a) for a in self.assessments],
        }


def read_rubrics(pkg: SafeZip, catalogue: Catalogue | None, source: str) -> dict[str, Rubric]:
    """Every rubric document of the catalogue, read as untrusted input (the full rubric checks)
    and checked against the digest the manifest gives: digest → rubric."""
    found: dict[str, Rubric] = {}
    problems: list[Problem] = []
    for k, spec in enumerate(catalogue.rubrics if catalogue else ()):
        where = f"entry {spec.entry!r}"
        info = pkg.files.get(spec.entry)
        if info is None:
            missing = f"no entry '{spec.entry}' in the package"
            problems.append(Problem(f"{_AT}/rubrics/{k}/entry", missing))
            continue
        if info.file_size > MAX_FILE_BYTES:
            problems.append(Problem(where, f"over {MAX_FILE_BYTES} bytes: not a rubric document"))
            continue
        try:
            kind, rubrics = parse_rubric_bytes(b"".join(pkg.stream(spec.entry)))
        except ValidationFailed as exc:
            problems += [Problem(f"{where} {p.location or '/'}", p.message) for p in exc.problems]
            continue
        if kind != OWN_FORMAT or len(rubrics) != 1:
            problems.append(Problem(where, "must hold one rubric in Assessor's own format"))
            continue
        rubric = rubrics[0]
        digest = digest_bytes(canonicalize(rubric.to_document()))
        if digest != spec.ref.digest:
            problems.append(
                Problem(
                    where,
                    f"the rubric document's digest is {digest}, but {_AT}/rubrics/{k} says "
                    f"{spec.ref.digest}: the document was changed after it was exported",
                )
            )
        elif rubric.id != (ref_id := spec.ref.id):
            problems.append(
                Problem(where, f"holds rubric '{rubric.id}', but {_AT}/rubrics/{k} says '{ref_id}'")
            )
        else:
            found[digest] = rubric
    if problems:
        raise ValidationFailed(problems, source=source)
    return found


@operation(None)
def plan_catalogue(
    tx: Tx, catalogue: Catalogue | None, rubrics: dict[str, Rubric]
) -> tuple[CataloguePlan, list[Problem]]:
    """What the folder lacks of the catalogue, and the problems of what contradicts it."""
    plan = CataloguePlan()
    problems: list[Problem] = []
    if catalogue is None:
        return plan, problems
    for k, carried in enumerate(catalogue.rubrics):
        problems += _plan_rubric(tx, plan, carried, rubrics[carried.ref.digest], k)
    for a in catalogue.achievements:
        if tx.get(m.Achievement, a.id) is None:
            plan.achievements.append(a)
    for k, assessment in enumerate(catalogue.assessments):
        problems += _plan_assessment(tx, plan, assessment, k)
    return plan, problems


def _plan_rubric(
    tx: Tx, plan: CataloguePlan, spec: RubricSpec, rubric: Rubric, k: int
) -> list[Problem]:
    ref, at = spec.ref, f"{_AT}/rubrics/{k}"
    same = q.version_by_digest(tx, ref.digest)
    if same is not None:
        if same.published_at is None:
            return [
                Problem(
                    at,
                    f"rubric version {ref.ref} ({ref.digest}) is an unpublished draft "
                    f"({same.rubric_id}@{same.version}) in this data folder; publish it first "
                    f"(assessor rubric import FILE, FILE being the package's entry "
                    f"'{spec.entry}'), then import the package again",
                )
            ]
        if (same.rubric_id, same.version) != (ref.id, ref.version):
            plan.notes.append(
                f"rubric {ref.ref} of the package is {same.rubric_id}@{same.version} here "
                f"(the same content, {ref.digest})"
            )
        return []
    other = q.version_by_number(tx, ref.id, ref.version)
    if other is not None:
        return [
            Problem(
                at,
                f"rubric version {ref.ref} exists in this data folder with other content "
                f"({other.digest}); the package's {ref.ref} is {ref.digest}. The two folders "
                "hold different rubrics under one version: settle which is right before "
                "handing work over",
            )
        ]
    plan.rubrics.append((spec, rubric))
    return []


def _plan_assessment(tx: Tx, plan: CataloguePlan, spec: AssessmentSpec, k: int) -> list[Problem]:
    at = f"{_AT}/assessments/{k}"
    row = tx.get(m.Assessment, spec.id)
    if row is None:
        plan.assessments.append(spec)
        return []
    here = row.rubric_version
    if here.digest != spec.rubric.digest:
        return [
            Problem(
                f"{at}/rubric",
                f"assessment '{spec.id}' applies rubric {here.rubric_id}@{here.version} "
                f"({here.digest}) in this data folder; the package's applies "
                f"{spec.rubric.ref} ({spec.rubric.digest})",
            )
        ]
    differ = [
        f"{name}: here {mine!r}, in the package {theirs!r}"
        for name, mine, theirs in (
            ("achievement", row.achievement_id, spec.achievement),
            ("blindMarking", row.blind_marking, spec.blind_marking),
            ("signoffRequired", row.signoff_required, spec.signoff_required),
            ("doubleMarking", row.double_marking, spec.double_marking),
        )
        if mine != theirs
    ]
    if differ:
        return [
            Problem(
                at, f"assessment '{spec.id}' is not as in this data folder: {'; '.join(differ)}"
            )
        ]
    return []


@operation(None)
def unknown_assessment(tx: Tx, assessment: str, planned: CataloguePlan) -> str | None:
    """Why a submission's assessment cannot be used, with what to do; None when it can."""
    if tx.get(m.Assessment, assessment) is not None:
        return None
    if any(a.id == assessment for a in planned.assessments):
        return None
    known = [a.id for a in tx.query(m.Assessment)]
    return (
        UnknownChoice("assessment", assessment, known).message
        + ". The package does not carry it: ask its sender for a new package from "
        "`assessor package export` (format 2), which carries each assessment with its "
        "achievement and rubric version"
    )


@operation(Operation.PACKAGE_IMPORT)
def write_catalogue(tx: Tx, plan: CataloguePlan, *, actor: str) -> None:
    """Add what the plan says, in the caller's write transaction."""
    for a in plan.achievements:
        tx.add(
            m.Achievement(
                id=a.id, title=a.title, kind=a.kind, level=a.level, description=a.description
            )
        )
    for spec, rubric in plan.rubrics:
        adopt_version(tx, rubric, spec.ref.version, source_format=SOURCE_FORMAT, actor=actor)
    tx.flush()
    for one in plan.assessments:
        version = q.version_by_digest(tx, one.rubric.digest)
        assert version is not None  # planned: here already, or added just above
        tx.add(
            m.Assessment(
                id=one.id,
                title=one.title,
                achievement_id=one.achievement,
                rubric_version_id=version.id,
                evidence_expected=one.evidence_expected,
                signoff_required=one.signoff_required,
                double_marking=one.double_marking,
                blind_marking=one.blind_marking,
                due_at=one.due_at,
            )
        )
    tx.flush()


# ---- export -------------------------------------------------------------------------------


@operation(None)
def catalogue_for(tx: Tx, assessment_ids: Iterable[str]) -> Catalogue:
    """The catalogue of these assessments. A rubric version still a draft is refused: what is
    handed over must not change afterwards."""
    achievements: dict[str, AchievementSpec] = {}
    rubrics: dict[str, RubricSpec] = {}
    assessments: list[AssessmentSpec] = []
    for aid in dict.fromkeys(assessment_ids):
        row = tx.get(m.Assessment, aid)
        assert row is not None  # a submission's assessment (foreign key)
        version = row.rubric_version
        ref = RubricRef(version.rubric_id, version.version, version.digest)
        if version.published_at is None:
            raise DomainError(
                f"assessment '{aid}' applies rubric {ref.ref}, an unpublished draft: "
                "publish it before handing work over"
            )
        rubrics.setdefault(ref.digest, RubricSpec(ref, rubric_entry(ref)))
        achievement = tx.get(m.Achievement, row.achievement_id)
        assert achievement is not None  # foreign key
        achievements.setdefault(
            achievement.id,
            AchievementSpec(
                achievement.id,
                achievement.title,
                achievement.kind,
                achievement.level or "",
                achievement.description or "",
            ),
        )
        assessments.append(
            AssessmentSpec(
                id=row.id,
                title=row.title,
                achievement=row.achievement_id,
                rubric=ref,
                evidence_expected=row.evidence_expected or "",
                signoff_required=bool(row.signoff_required),
                double_marking=bool(row.double_marking),
                blind_marking=bool(row.blind_marking),
                due_at=row.due_at,
            )
        )
    return Catalogue(tuple(achievements.values()), tuple(rubrics.values()), tuple(assessments))


@operation(None)
def rubric_document(tx: Tx, digest: str) -> bytes:
    """A stored rubric version's document (its canonical text), checked against its digest."""
    version = q.version_by_digest(tx, digest)
    assert version is not None  # named by the catalogue just made
    document = version.document.encode("utf-8")
    if digest_bytes(document) != digest:
        raise DomainError(
            f"stored rubric version {version.rubric_id}@{version.version} does not match "
            "its digest; run assessor verify"
        )
    return document


def rubric_entries(catalogue: Catalogue | None) -> Sequence[str]:
    return [] if catalogue is None else [r.entry for r in catalogue.rubrics]
