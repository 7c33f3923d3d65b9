"""The report fonts are found by one lookup in a source checkout and in an installed wheel,
and the wheel carries them with their licences."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import assessor.resources
from assessor.reports import fonts

ROOT = Path(__file__).resolve().parents[2]
LOOKUP = (
    "from assessor.reports import fonts\n"
    "for f in fonts.ALL: print(fonts.resource_file('fonts', f.file))\n"
)


def setuptools_version() -> tuple[int, ...]:
    try:
        import setuptools
    except ImportError:
        return (0,)
    return tuple(int(p) for p in setuptools.__version__.split(".")[:2] if p.isdigit())


def test_the_checkout_has_every_font_and_its_licence() -> None:
    for font in fonts.ALL:
        path = fonts.resource_file("fonts", font.file)
        assert path.stat().st_size > 20_000
    folder = ROOT / "resources" / "fonts"
    for licence in ("LICENSE-Noto.txt", "LICENSE-DroidSansFallback.txt", "LICENSE-Symbola.txt"):
        assert (folder / licence).stat().st_size > 300
    assert "SIL OPEN FONT LICENSE" in (folder / "LICENSE-Noto.txt").read_text()
    assert "Apache License" in (folder / "LICENSE-DroidSansFallback.txt").read_text()


def test_a_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(assessor.resources, "roots", lambda: [tmp_path])
    with pytest.raises(fonts.ResourceMissing, match=r"fonts/NotoSans-Regular\.ttf is missing"):
        fonts.resource_file("fonts", "NotoSans-Regular.ttf")


@pytest.mark.skipif(
    setuptools_version() < (77,), reason="building the wheel offline needs setuptools >= 77"
)
def test_an_installed_wheel_finds_the_fonts_inside_itself(tmp_path: Path) -> None:
    """Built offline from a copy of the checkout (no build isolation: no network), installed
    into a folder, imported with the checkout nowhere on the path."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "resources", source / "resources")
    shutil.copytree(
        ROOT / "src" / "assessor",
        source / "src" / "assessor",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-build-isolation", "--no-deps", "--no-index", "-w", "dist", "."],
        cwd=source,
        check=True,
        capture_output=True,
    )
    [wheel] = (source / "dist").glob("assessor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for font in fonts.ALL:
        assert f"assessor/resources/fonts/{font.file}" in names
    assert "assessor/resources/fonts/LICENSE-Noto.txt" in names
    target = tmp_path / "installed"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [sys.executable, "-c", LOOKUP],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    found = [Path(line) for line in done.stdout.splitlines()]
    assert len(found) == len(fonts.ALL)
    assert all(target in path.parents for path in found), found
