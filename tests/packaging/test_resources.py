"""One lookup, three shapes: the source tree, an installed wheel and the bundle each find every
shipped file inside themselves (`assessor paths --json` reports where). The bundle's shape is
in test_bundle.py, which runs when CI has built one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assessor import resources
from assessor.cli.places import SHIPPED

ROOT = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


def test_the_source_tree_finds_every_shipped_file_in_the_checkout() -> None:
    assert resources.shape() == "source"
    for parts in SHIPPED.values():
        path = resources.resource_file(*parts)
        assert ROOT in path.parents, path
        assert path.stat().st_size > 0
    for size in resources.APP_ICON_SIZES:
        assert resources.app_icon_png(size).parent == ROOT / "resources" / "icons" / "app"
    assert {p.stem for p in (ROOT / "resources/icons/actions").glob("*.svg")} == set(
        resources.ACTION_ICONS
    )
    for name in resources.ACTION_ICONS:
        assert resources.action_icon(name).is_file()


def test_a_missing_resource_names_every_place_looked_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(resources, "roots", lambda: [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(resources.ResourceMissing) as caught:
        resources.app_icon_svg()
    message = str(caught.value)
    assert "icons/app/assessor.svg is missing" in message
    assert str(tmp_path / "a") in message and str(tmp_path / "b") in message
    with pytest.raises(ValueError, match="no 20 px application icon"):
        resources.app_icon_png(20)


def test_paths_reports_a_missing_resource_with_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assessor import cli

    monkeypatch.setattr(resources, "roots", lambda: [tmp_path])
    assert cli.main(["paths", "--json", "--data-dir", str(tmp_path / "data")]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["resources"]["app icon"] is None
    assert report["backups"] == str(tmp_path / "data" / "backups")
    assert not (tmp_path / "data").exists()  # it reads nothing and creates nothing


def check_report(report: dict[str, object], shape: str, inside: Path) -> None:
    assert report["install"] == shape
    found = report["resources"]
    assert isinstance(found, dict) and set(found) == set(SHIPPED)
    for name, path in found.items():
        assert path is not None, f"{shape}: {name} not found"
        assert inside in Path(path).parents, f"{shape}: {name} at {path}, outside {inside}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built offline from a copy of the checkout (no build isolation: no network)."""
    source = tmp_path_factory.mktemp("wheel-source")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "resources", source / "resources")
    for package in ("assessor", "issuer"):
        shutil.copytree(
            ROOT / "src" / package,
            source / "src" / package,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    subprocess.run(
        [*PIP, "wheel", "--no-build-isolation", "--no-deps", "--no-index", "-w", "dist", "."],
        cwd=source,
        check=True,
        capture_output=True,
    )
    [built] = (source / "dist").glob("assessor-*.whl")
    return built


def test_the_wheel_carries_the_icons_and_desktop_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for parts in SHIPPED.values():
        assert "assessor/resources/" + "/".join(parts) in names
    for size in resources.APP_ICON_SIZES:
        assert f"assessor/resources/icons/app/assessor-{size}.png" in names
    assert "assessor/resources/__init__.py" in names


def test_an_installed_wheel_finds_every_shipped_file_inside_itself(
    wheel: Path, tmp_path: Path
) -> None:
    """In a new virtual environment, with the checkout nowhere on the path."""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        check=True,
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies are this environment's: on the path after the new venv's own packages.
    outer = [p for p in sys.path if p.endswith("site-packages")]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join(outer), "HOME": str(tmp_path)}
    lookup = "import sys; from assessor.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [str(python), "-c", lookup, "paths", "--json", "--data-dir", str(tmp_path / "d")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    check_report(report, "installed", venv)
