"""The person's preferences: one typed, versioned settings object stored as JSON.

`load` reads `settings.json` (a missing file gives the defaults), upgrades a file written by
an older Assessor through `UPGRADES` (one function per version step, as in Picard's
config_upgrade), and checks every value's type and range. `save` replaces the file
atomically. No secret ever goes here: sync tokens and remembered unlock secrets live in the
system keyring (`assessor.security.secrets`). No Qt here either: the CLI reads this too.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import Field, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from assessor.domain.errors import DomainError
from assessor.store.files import atomic_output, make_dirs

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"
CURRENT_VERSION = 1
THEMES = ("system", "light", "dark")


class SettingsError(DomainError):
    """A settings file (or value) that cannot be used; names the file and the key."""

    code = "bad-settings"

    def __init__(self, message: str, *, path: Path | None = None, key: str = "") -> None:
        where = ": ".join(part for part in (str(path) if path else "", key) if part)
        super().__init__(f"{where}: {message}" if where else message, location=key)
        self.path = path
        self.key = key
        self.reason = message


def _choices(*options: str) -> dict[str, Any]:
    return {"choices": options}


def _range(low: float, high: float, unit: str = "") -> dict[str, Any]:
    return {"range": (low, high), "unit": unit}


@dataclass(frozen=True)
class Settings:
    """Defaults are what a new installation uses. Ranges and choices are in each field's
    metadata, so the settings dialog offers exactly what `load` accepts."""

    version: int = CURRENT_VERSION
    theme: str = field(default="system", metadata=_choices(*THEMES))
    font_scale: float = field(default=1.0, metadata=_range(0.8, 1.6))
    search_delay_ms: int = field(default=250, metadata=_range(0, 2000, "ms"))
    confirm_open_external: bool = True
    lock_after_minutes: int = field(default=15, metadata=_range(0, 24 * 60, "min"))  # 0: never
    queue_page_size: int = field(default=200, metadata=_range(50, 1000))
    backend_url: str = field(default="", metadata={"url": True})  # "" = offline

    def __post_init__(self) -> None:
        for f in fields(self):
            problem = _problem(f, getattr(self, f.name))
            if problem:
                raise SettingsError(problem, key=f.name)


def value_range(name: str) -> tuple[float, float]:
    """The inclusive range allowed for a numeric setting."""
    low, high = _field(name).metadata["range"]
    return low, high


def choices(name: str) -> tuple[str, ...]:
    result: tuple[str, ...] = _field(name).metadata["choices"]
    return result


def _field(name: str) -> Field[Any]:
    for f in fields(Settings):
        if f.name == name:
            return f
    raise KeyError(name)


def backend_url_problem(text: str) -> str | None:
    """Why `text` cannot be the backend address, in words; None when it can ("" = offline)."""
    if text == "":
        return None
    if text != text.strip() or any(c.isspace() for c in text):
        return "the address cannot contain spaces"
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError for a port that is not a number in range
    except ValueError:
        return "this is not a web address"
    del port
    if parts.scheme not in ("http", "https"):
        return "the address must start with https:// (or http://)"
    if not parts.hostname:
        return "the address needs a server name, e.g. https://badges.example.org"
    if parts.username is not None or parts.password is not None:
        # The sign-in token lives in the system keyring; a password here would sit in a file.
        return "leave the user name and password out of the address"
    if parts.query or parts.fragment:
        return "the address cannot contain ? or #"
    return None


def _type_problem(kind: object, value: object) -> str | None:
    """Why `value` is not of the field's type (a string: `from __future__ import annotations`)."""
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if not math.isfinite(value):
            return "must be a finite number"
    elif kind == "str" and not isinstance(value, str):
        return "must be text"
    return None


def _problem(f: Field[Any], value: object) -> str | None:
    """Why `value` is not allowed for field `f`, in words; None when it is."""
    wrong = _type_problem(f.type, value)
    if wrong or f.type == "bool":
        return wrong
    assert isinstance(value, int | float | str)
    if f.name == "version":
        return None if value == CURRENT_VERSION else f"must be {CURRENT_VERSION}"
    if "range" in f.metadata:
        assert isinstance(value, int | float)
        low, high = f.metadata["range"]
        if not low <= value <= high:
            unit = f" {f.metadata['unit']}" if f.metadata["unit"] else ""
            return f"must be between {low} and {high}{unit} (found {value})"
    if "choices" in f.metadata and value not in f.metadata["choices"]:
        return f"must be one of {', '.join(f.metadata['choices'])} (found {value!r})"
    if f.metadata.get("url"):
        assert isinstance(value, str)
        return backend_url_problem(value)
    return None


# ---- upgrades ---------------------------------------------------------------------------------

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


def _upgrade_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 0 (before settings had a version) called the search debounce "search_debounce_ms".
    if "search_debounce_ms" in data:
        data.setdefault("search_delay_ms", data.pop("search_debounce_ms"))
    return data


# UPGRADES[n] turns a version n-1 document into a version n document. Add a step for every
# change of name or meaning; never edit a step that has shipped.
UPGRADES: dict[int, Upgrade] = {1: _upgrade_to_v1}


def upgrade(data: dict[str, Any], *, path: Path | None = None) -> dict[str, Any]:
    """Bring a settings document up to CURRENT_VERSION. A file without a version predates
    versioning (version 0)."""
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise SettingsError("must be a whole number, 0 or more", path=path, key="version")
    if version > CURRENT_VERSION:
        raise SettingsError(
            f"written by a newer Assessor (settings version {version}; this one reads up to "
            f"{CURRENT_VERSION}); update Assessor or remove the file to start from the defaults",
            path=path,
            key="version",
        )
    data = dict(data)
    for target in range(version + 1, CURRENT_VERSION + 1):
        data = UPGRADES[target](data)
        data["version"] = target
        log.info("settings %s upgraded to version %d", path or "", target)
    return data


# ---- files ------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice")
        result[key] = value
    return result


def load(path: Path) -> Settings:
    """The settings in `path`; the defaults when there is no such file. SettingsError (naming
    the file and the key) for a file that is not JSON, or a value of the wrong type or out of
    range. Unknown keys are ignored and logged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsError(f"cannot be read ({exc.strerror or exc})", path=path) from None
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise SettingsError("is not UTF-8 text", path=path) from None
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", path=path
        ) from None
    except ValueError as exc:
        raise SettingsError(f"is not valid settings JSON ({exc})", path=path) from None
    if not isinstance(data, dict):
        raise SettingsError("must hold a JSON object, {…}", path=path)
    data = upgrade(data, path=path)
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        log.warning("%s: ignoring unknown settings: %s", path, ", ".join(unknown))
    values: dict[str, Any] = {}
    for name, f in known.items():
        if name not in data:
            continue
        value = data[name]
        if f.type == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # JSON writes 1.0 as 1 in some hands
        problem = _problem(f, value)
        if problem:
            raise SettingsError(problem, path=path, key=name)
        values[name] = value
    return Settings(**values)


def save(path: Path, settings: Settings) -> None:
    """Write `settings` to `path` atomically: the old file or the new one, never half of one."""
    text = json.dumps(asdict(settings), indent=2, ensure_ascii=False) + "\n"
    make_dirs(path.parent)
    with atomic_output(path) as out:
        out.write(text.encode("utf-8"))
