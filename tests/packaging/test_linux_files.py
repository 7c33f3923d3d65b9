"""The desktop entry and AppStream file pass the freedesktop validators, and the menu install
script puts a bundle in the menu (and takes it out again) without touching anything else."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from assessor import resources

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "packaging" / "linux" / "install-menu.sh"
APP_ID = resources.APP_ID


def _need(command: str, package: str) -> str:
    found = shutil.which(command)
    if found is None:
        pytest.skip(f"needs {command} (Debian package {package}; .ci/system-packages.sh)")
    return found


def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    tool = _need("desktop-file-validate", "desktop-file-utils")
    done = subprocess.run(
        [tool, str(resources.desktop_file("desktop"))], capture_output=True, text=True
    )
    assert done.returncode == 0 and "error" not in done.stdout, done.stdout


def test_the_appstream_file_passes_appstreamcli_validate() -> None:
    tool = _need("appstreamcli", "appstream")
    metainfo = resources.desktop_file("metainfo")
    done = subprocess.run(
        [tool, "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = metainfo.read_text()
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in text


def test_the_appstream_release_is_the_package_version() -> None:
    from assessor import __version__

    assert f'<release version="{__version__}"' in resources.desktop_file("metainfo").read_text()


def _bundle_shaped(folder: Path) -> Path:
    """A folder laid out as the bundle is: the executables beside `_internal/assessor/resources`.
    The executables only need to exist here; the script never runs them."""
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "resources", folder / "_internal" / "assessor" / "resources")
    for name in ("assessor", "issuer"):
        exe = folder / name
        exe.write_text("#!/bin/sh\nexit 0\n")
        exe.chmod(0o755)
    return folder


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_DATA_HOME": str(home / "share")}
    return subprocess.run(
        ["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    real = os.environ.get("ASSESSOR_BUNDLE_DIR")
    if real:  # CI built one: install that one
        return Path(real).resolve()
    return _bundle_shaped(tmp_path / "my apps" / "assessor")


def test_install_menu_puts_the_bundle_in_the_menu_and_takes_it_out(
    bundle: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = _run(str(bundle), home=home)
    assert done.returncode == 0, done.stderr
    share = home / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    entry = desktop.read_text()
    assert f'Exec="{bundle}/assessor"' in entry.splitlines()
    assert f"TryExec={bundle}/assessor" in entry.splitlines()
    assert f"Icon={APP_ID}" in entry.splitlines()
    for size in resources.APP_ICON_SIZES:
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert icon.read_bytes() == resources.app_icon_png(size).read_bytes()
        assert stat.S_IMODE(icon.stat().st_mode) == 0o644
    assert (share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (home / ".local/bin/assessor").resolve() == (bundle / "assessor").resolve()
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert checked.returncode == 0, checked.stdout

    again = _run(str(bundle), home=home)  # installing twice changes nothing
    assert again.returncode == 0 and desktop.read_text() == entry

    removed = _run("--uninstall", str(bundle), home=home)
    assert removed.returncode == 0, removed.stderr
    assert not desktop.exists() and not (home / ".local/bin/assessor").is_symlink()
    assert not list((share / "icons").rglob(f"{APP_ID}.*"))


def test_install_menu_never_replaces_a_command_of_someone_else(
    bundle: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / ".local/bin").mkdir(parents=True)
    theirs = home / ".local/bin/assessor"
    theirs.write_text("#!/bin/sh\necho mine\n")
    done = _run(str(bundle), home=home)
    assert done.returncode == 0, done.stderr
    assert theirs.read_text() == "#!/bin/sh\necho mine\n"
    assert "left as it is" in done.stderr
    _run("--uninstall", str(bundle), home=home)
    assert theirs.read_text() == "#!/bin/sh\necho mine\n"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("nothing", "no such folder"),
        ("empty", "not an executable"),
        ("quote", "whose path has no"),
    ],
)
def test_install_menu_refuses_what_is_not_a_bundle(
    tmp_path: Path, setup: str, message: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "nothing-here"
    if setup == "empty":
        target.mkdir()
    elif setup == "quote":
        target = _bundle_shaped(tmp_path / 'a"b')
    done = _run(str(target), home=home)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (home / "share").exists()
