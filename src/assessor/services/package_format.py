"""The manifest of a submission package: its JSON Schema (resources/schemas), strict parsing
to plain data, and the JSON written on export. See docs/package-format.md.

Format 2 adds the catalogue: the assessments the submissions belong to, their achievements
and the exact rubric versions (each a document entry, checked against its digest on import),
so that a data folder that has none of them can score the work. Format 1 is still read."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from assessor.domain.errors import Problem, ValidationFailed
from assessor.domain.rubric_format import surrogate_problems, visible
from assessor.formats.schemas import load_schema
from assessor.security.canonical import StrictJSONError, loads_strict
from assessor.services.package_catalogue import (
    Catalogue,
    catalogue_from,
    catalogue_json,
    catalogue_problems,
    utc_text,
)

MANIFEST = "manifest.json"
SCHEMA = "package-manifest.schema.json"
FORMAT = "assessor-submission-package"
FORMAT_VERSION = 2  # written; 1 (no catalogue) is still read


@dataclass(frozen=True)
class ArtifactSpec:
    name: str  # the learner's file name: metadata, never a path
    entry: str  # the zip entry holding the bytes
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class LearnerSpec:
    id: str
    name: str
    anonymous_code: str | None


@dataclass(frozen=True)
class SubmissionSpec:
    id: str
    learner: LearnerSpec
    assessment: str
    attempt: int
    submitted_at: datetime
    artifacts: tuple[ArtifactSpec, ...]


@dataclass(frozen=True)
class Manifest:
    submissions: tuple[SubmissionSpec, ...]
    catalogue: Catalogue | None = None  # None in a format 1 package

    def artifacts(self) -> list[tuple[str, ArtifactSpec]]:
        """(JSON pointer, artifact) for every artifact, in manifest order."""
        return [
            (f"/submissions/{i}/artifacts/{j}", a)
            for i, s in enumerate(self.submissions)
            for j, a in enumerate(s.artifacts)
        ]


def fold(name: str) -> str:
    """The form under which two names are the same on some file system or to a reader:
    Unicode NFC, then case folded (then NFC again: folding can denormalise)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


# Bidirectional overrides and isolates make "gpj.exe" read as "exe.jpg"; other format
# characters (the zero-width joiners of Persian or emoji) are ordinary text.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control(text: str) -> bool:
    return any(c in _BIDI or unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in text)


@cache
def _validator() -> Any:
    import jsonschema.validators  # loaded when first needed: not on every start

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(lambda v: not isinstance(v, str) or _parse_time(v) is not None)
    return jsonschema.Draft202012Validator(load_schema(SCHEMA), format_checker=checker)


def _parse_time(value: str) -> datetime | None:
    if "T" not in value.upper() or (value[-1:] not in "Zz" and value[-6:-5] not in "+-"):
        return None
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    if not moment.tzinfo:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-12:00 is in the year 10000 in UTC
        return None


def _pointer(path: Any) -> str:
    return "".join(f"/{p}" for p in path)


def _message(error: Any) -> str:
    if error.validator == "not" and not error.absolute_path:
        return (
            "a formatVersion 1 manifest has no 'catalogue'; one with a catalogue is formatVersion 2"
        )
    if error.validator == "format" and error.validator_value == "date-time":
        return (
            f"{error.instance!r} is not a date-time this program can keep: RFC 3339 with 'Z' "
            "or an offset (2026-11-20T09:30:00Z), within the years 1–9999 in UTC"
        )
    return str(error.message)


def parse_manifest(data: bytes, *, source: str) -> Manifest:
    """Strict JSON (no duplicate keys), the schema, then the rules a schema cannot say:
    unique submission ids, artifact names unique after normalisation and case folding,
    each entry named once, no control characters. Problems are located `manifest.json/…`."""
    try:
        doc = loads_strict(data)
    except StrictJSONError as exc:
        raise ValidationFailed(
            [
                Problem(visible(f"{MANIFEST} {at}".strip()), visible(msg))
                for at, msg in exc.problems
            ],
            source=source,
        ) from None
    unreadable = surrogate_problems(doc, MANIFEST)
    if unreadable:
        raise ValidationFailed(unreadable, source=source)
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        problems = [Problem(MANIFEST + _pointer(e.absolute_path), _message(e)) for e in errors]
        raise ValidationFailed(problems, source=source)
    manifest = _build(doc)
    problems = _rules(manifest)
    if problems:
        raise ValidationFailed(problems, source=source)
    return manifest


def _build(doc: dict[str, Any]) -> Manifest:
    submissions = []
    for s in doc["submissions"]:
        learner = s["learner"]
        moment = _parse_time(s["submittedAt"])
        assert moment is not None  # the schema's format check
        submissions.append(
            SubmissionSpec(
                id=s["id"],
                learner=LearnerSpec(learner["id"], learner["name"], learner.get("anonymousCode")),
                assessment=s["assessment"],
                attempt=int(s["attempt"]),
                submitted_at=moment,
                artifacts=tuple(
                    ArtifactSpec(
                        a["name"], a.get("entry", a["name"]), a["mediaType"], a["size"], a["sha256"]
                    )
                    for a in s["artifacts"]
                ),
            )
        )
    catalogue = doc.get("catalogue")
    return Manifest(
        tuple(submissions), None if catalogue is None else catalogue_from(catalogue, _parse_time)
    )


def _rules(manifest: Manifest) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids: set[str] = set()
    entries: dict[str, str] = {}
    for i, s in enumerate(manifest.submissions):
        at = f"{MANIFEST}/submissions/{i}"
        if s.id in seen_ids:
            problems.append(Problem(f"{at}/id", f"submission '{s.id}' appears twice"))
        seen_ids.add(s.id)
        texts = [("id", s.id), ("assessment", s.assessment)]
        texts += [("learner/id", s.learner.id), ("learner/name", s.learner.name)]
        names: dict[str, str] = {}
        for j, a in enumerate(s.artifacts):
            texts += [(f"artifacts/{j}/name", a.name), (f"artifacts/{j}/entry", a.entry)]
            key = fold(a.name)
            if key in names:
                problems.append(
                    Problem(
                        f"{at}/artifacts/{j}/name",
                        f"artifact name '{a.name}' is the same as '{names[key]}' "
                        "once Unicode-normalised and case-folded",
                    )
                )
            names.setdefault(key, a.name)
            if a.entry in entries:
                problems.append(
                    Problem(
                        f"{at}/artifacts/{j}/entry",
                        f"entry '{a.entry}' is already the file of {entries[a.entry]}",
                    )
                )
            entries.setdefault(a.entry, f"{at}/artifacts/{j}")
        problems += [
            Problem(f"{at}/{where}", "control characters are not allowed")
            for where, text in texts
            if has_control(text)
        ]
    if manifest.catalogue is not None:
        used = {s.assessment for s in manifest.submissions}
        problems += catalogue_problems(manifest.catalogue, entries, used)
    return problems


def manifest_json(manifest: Manifest) -> dict[str, Any]:
    """The manifest document of `manifest`, as export writes it."""
    catalogue = (
        {} if manifest.catalogue is None else {"catalogue": catalogue_json(manifest.catalogue)}
    )
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION if manifest.catalogue is not None else 1,
        **catalogue,
        "submissions": [
            {
                "id": s.id,
                "learner": {"id": s.learner.id, "name": s.learner.name}
                | ({"anonymousCode": s.learner.anonymous_code} if s.learner.anonymous_code else {}),
                "assessment": s.assessment,
                "attempt": s.attempt,
                "submittedAt": utc_text(s.submitted_at),
                "artifacts": [
                    {
                        "name": a.name,
                        "entry": a.entry,
                        "mediaType": a.media_type,
                        "size": a.size,
                        "sha256": a.sha256,
                    }
                    for a in s.artifacts
                ],
            }
            for s in manifest.submissions
        ],
    }
