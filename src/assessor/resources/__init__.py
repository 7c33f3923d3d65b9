"""The one lookup for the files shipped with Assessor (icons, fonts, schemas, demo data, the
desktop entry), so that a source checkout, an installed wheel and the bundle find them alike.

Two roots, in order:

- the package's own `assessor/resources/`: in a wheel it holds everything (setup.py copies the
  top-level `resources/` into it), and the bundle collects that folder from the installed
  package (packaging/assessor.spec);
- in a source checkout (an editable install), the top-level `resources/`, where the icons,
  report fonts and desktop files live. Never in the bundle: beside a bundle is whatever folder
  it was unpacked into, which anyone may have written to.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from assessor.domain.errors import DomainError

APP_ID = "org.assessor.Assessor"  # the desktop entry's and AppStream's id; Wayland's app id
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ACTION_ICONS = (
    "export", "help", "import", "lock", "next", "previous", "redo", "report", "search",
    "settings", "sign", "sync", "undo", "unlock", "warning", "zoom-fit", "zoom-in", "zoom-out",
)  # fmt: skip


class ResourceMissing(DomainError):
    code = "resource-missing"


def frozen() -> bool:
    """True in the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def _checkout() -> Path | None:
    """The checkout's top-level `resources/` when this file is `src/assessor/resources/` of a
    checkout (pyproject.toml beside src/), else None."""
    if frozen():
        return None
    here = Path(__file__).resolve().parent
    top = here.parents[2]
    if here.parent.parent.name != "src" or not (top / "pyproject.toml").is_file():
        return None
    return top / "resources"


def roots() -> list[Path]:
    """Where resources may be, in the order they are looked for."""
    found = []
    packaged = resources.files("assessor") / "resources"
    if isinstance(packaged, Path):
        found.append(packaged)
    checkout = _checkout()
    if checkout is not None and checkout not in found:
        found.append(checkout)
    return found


def shape() -> str:
    """How Assessor is installed: "bundle", "installed" (a wheel) or "source" (a checkout)."""
    if frozen():
        return "bundle"
    return "source" if _checkout() is not None else "installed"


def resource_file(*parts: str) -> Path:
    """The file at `resources/<parts>`; ResourceMissing names every place looked in."""
    tried = []
    for root in roots():
        candidate = root.joinpath(*parts)
        if candidate.is_file():
            return candidate
        tried.append(str(candidate))
    raise ResourceMissing(
        f"{'/'.join(parts)} is missing (looked in {', '.join(tried) or 'nowhere'}); "
        "reinstall Assessor"
    )


def app_icon_svg() -> Path:
    return resource_file("icons", "app", "assessor.svg")


def app_icon_png(size: int) -> Path:
    if size not in APP_ICON_SIZES:
        raise ValueError(f"no {size} px application icon; sizes: {APP_ICON_SIZES}")
    return resource_file("icons", "app", f"assessor-{size}.png")


def action_icon(name: str) -> Path:
    if name not in ACTION_ICONS:
        raise ValueError(f"no action icon {name!r}; icons: {', '.join(ACTION_ICONS)}")
    return resource_file("icons", "actions", f"{name}.svg")


def desktop_file(kind: str) -> Path:
    """The Linux desktop entry ("desktop") or AppStream metadata ("metainfo")."""
    suffix = {"desktop": ".desktop", "metainfo": ".metainfo.xml"}[kind]
    return resource_file("linux", APP_ID + suffix)
