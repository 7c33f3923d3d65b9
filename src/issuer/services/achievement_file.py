"""The achievement file (`issuer achievement publish FILE`), format "assessor-achievement/1".

docs/issuer.md describes it. Every problem is collected with its JSON pointer before giving
up, as the desktop's rubric files do; the image is a PNG or SVG file next to it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessor.domain.errors import Problem, ValidationFailed
from assessor.formats.capped import read_capped
from assessor.security.canonical import StrictJSONError, loads_strict

FORMAT = "assessor-achievement/1"
LEVELS = ("badge", "micro-credential", "credential")
MAX_FILE_BYTES = 1024 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_PNG = b"\x89PNG\r\n\x1a\n"
_REQUIRED = ("format", "id", "name", "description", "criteria", "level")
_OPTIONAL = ("image", "prerequisites", "validityDays", "tags")


@dataclass(frozen=True)
class AchievementDefinition:
    id: str
    name: str
    description: str
    criteria_narrative: str
    level: str
    image_bytes: bytes | None = None  # None: the issuer draws a badge with the name
    image_media_type: str | None = None
    prerequisites: tuple[str, ...] = ()
    validity_days: int | None = None
    tags: tuple[str, ...] = field(default=())

    @property
    def image(self) -> dict[str, str] | None:
        if self.image_bytes is None or self.image_media_type is None:
            return None
        return {
            "sha256": hashlib.sha256(self.image_bytes).hexdigest(),
            "mediaType": self.image_media_type,
        }

    def to_document(self) -> dict[str, Any]:
        """The stored definition (the image by digest)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "criteria": {"narrative": self.criteria_narrative},
            "level": self.level,
            "image": self.image,
            "prerequisites": list(self.prerequisites),
            "validityDays": self.validity_days,
            "tags": list(self.tags),
        }


def read_achievement_file(path: Path) -> AchievementDefinition:
    """The definition in `path`; `ValidationFailed` (source = the path) lists every problem."""
    try:
        return _read(path)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=str(path)) from None


def _read(path: Path) -> AchievementDefinition:
    doc = _document(path)
    problems = _shape_problems(doc)
    ident = doc.get("id")
    name = _text(doc, "name", 300, problems)
    description = _text(doc, "description", 5000, problems)
    narrative = _narrative(doc, problems)
    level = doc.get("level")
    if "level" in doc and level not in LEVELS:
        problems.append(Problem("/level", "must be one of: " + ", ".join(LEVELS)))
    prerequisites = _prerequisites(doc.get("prerequisites", []), problems)
    validity = doc.get("validityDays")
    if validity is not None and not (
        isinstance(validity, int) and not isinstance(validity, bool) and 1 <= validity <= 36500
    ):
        problems.append(Problem("/validityDays", "must be a whole number of days from 1 to 36500"))
    tags = doc.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problems.append(Problem("/tags", "must be a list of words"))
        tags = []
    image = _image(path, doc.get("image"), problems) if "image" in doc else None
    if level == "badge" and prerequisites:
        problems.append(
            Problem(
                "/prerequisites",
                "a badge has no prerequisites; stack badges into a micro-credential",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(ident, str) and isinstance(level, str)
    return AchievementDefinition(
        id=ident,
        name=name,
        description=description,
        criteria_narrative=narrative,
        level=level,
        image_bytes=image[0] if image else None,
        image_media_type=image[1] if image else None,
        prerequisites=prerequisites,
        validity_days=validity,
        tags=tuple(tags),
    )


def _document(path: Path) -> dict[str, Any]:
    """The file's JSON object, read strictly; at most MAX_FILE_BYTES."""
    data = read_capped(path, MAX_FILE_BYTES, "an achievement file")
    try:
        doc = loads_strict(data)  # a fraction arrives as a Decimal and is refused in place
    except StrictJSONError as exc:
        raise ValidationFailed([Problem(at, msg) for at, msg in exc.problems]) from None
    if not isinstance(doc, dict):
        raise ValidationFailed([Problem("", "an achievement file is a JSON object")])
    return doc


def _shape_problems(doc: dict[str, Any]) -> list[Problem]:
    """Missing and unknown fields, the format and the id."""
    problems = [
        Problem("", f"missing required field '{key}'") for key in _REQUIRED if key not in doc
    ]
    problems += [
        Problem(f"/{key}", f"unknown field '{key}'")
        for key in doc
        if key not in _REQUIRED and key not in _OPTIONAL
    ]
    if "format" in doc and doc["format"] != FORMAT:
        problems.append(Problem("/format", f'must be "{FORMAT}"'))
    ident = doc.get("id")
    if "id" in doc and not (isinstance(ident, str) and _ID.match(ident) and len(ident) <= 100):
        problems.append(
            Problem("/id", "must be an identifier (a-z, 0-9, '.', '_', '-'; at most 100)")
        )
    return problems


def _narrative(doc: dict[str, Any], problems: list[Problem]) -> str:
    if "criteria" not in doc:
        return ""
    criteria = doc["criteria"]
    if not isinstance(criteria, dict) or set(criteria) != {"narrative"}:
        problems.append(Problem("/criteria", 'must be {"narrative": "…"}'))
        return ""
    return _text(criteria, "narrative", 10000, problems, at="/criteria/narrative")


def _text(
    doc: dict[str, Any], key: str, limit: int, problems: list[Problem], *, at: str | None = None
) -> str:
    value = doc.get(key)
    where = at or f"/{key}"
    if key not in doc:
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(where, "must be text that is not blank"))
        return ""
    if len(value) > limit:
        problems.append(Problem(where, f"must be at most {limit} characters"))
    return value.strip()


def _prerequisites(value: object, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.append(Problem("/prerequisites", "must be a list of achievement ids"))
        return ()
    found: list[str] = []
    for n, item in enumerate(value):
        if not isinstance(item, str) or not _ID.match(item):
            problems.append(Problem(f"/prerequisites/{n}", "must be an achievement id"))
        elif item in found:
            problems.append(Problem(f"/prerequisites/{n}", f"'{item}' is listed twice"))
        else:
            found.append(item)
    return tuple(found)


def _image(path: Path, value: object, problems: list[Problem]) -> tuple[bytes, str] | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem("/image", "must name a PNG or SVG file next to this one"))
        return None
    target = (path.parent / value).resolve()
    if path.parent.resolve() not in target.parents:
        problems.append(Problem("/image", "must name a file in this file's folder (or below)"))
        return None
    try:
        data = target.read_bytes()
    except OSError as exc:
        problems.append(Problem("/image", f"cannot read {value}: {exc.strerror or exc}"))
        return None
    if len(data) > MAX_IMAGE_BYTES:
        problems.append(Problem("/image", "the image is larger than 2 MB"))
        return None
    if data.startswith(_PNG):
        return data, "image/png"
    head = data[:2048].lstrip().lower()
    if target.suffix.lower() == ".svg" and (head.startswith(b"<svg") or head.startswith(b"<?xml")):
        return data, "image/svg+xml"
    problems.append(Problem("/image", f"{value} is neither a PNG nor an SVG image"))
    return None
