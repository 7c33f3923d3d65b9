"""The Linux bundle CI builds (packaging/build-linux.sh, then ASSESSOR_BUNDLE_DIR=dist/assessor):
it finds its own files, runs both executables, reads untrusted files in its limited child,
carries the keyring backends and no plaintext one, and its tarball matches its checksum.
`dist/assessor/assessor --self-test` itself is a step of .ci/run."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from assessor import __version__
from assessor.services import preview
from tests.packaging.test_resources import check_report

BUNDLE = os.environ.get("ASSESSOR_BUNDLE_DIR")
pytestmark = pytest.mark.skipif(
    not BUNDLE, reason="no bundle: CI sets ASSESSOR_BUNDLE_DIR after packaging/build-linux.sh"
)


@pytest.fixture
def bundle() -> Path:
    return Path(str(BUNDLE)).resolve()


def _run(exe: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [str(exe), *args], cwd=home, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_bundle_finds_every_shipped_file_inside_itself(bundle: Path, tmp_path: Path) -> None:
    done = _run(
        bundle / "assessor", "paths", "--json", "--data-dir", str(tmp_path / "d"), home=tmp_path
    )
    assert done.returncode == 0, done.stderr
    check_report(json.loads(done.stdout), "bundle", bundle)


def test_both_executables_say_their_version(bundle: Path, tmp_path: Path) -> None:
    done = _run(bundle / "assessor", "--version", home=tmp_path)
    assert done.stdout.strip() == f"assessor {__version__}", done.stderr
    done = _run(bundle / "issuer", "--help", home=tmp_path)
    assert done.returncode == 0 and "issue and revoke Open Badges" in done.stdout, done.stderr


def test_the_bundle_reads_an_untrusted_file_in_its_limited_child(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """services/preview.py starts `sys.executable -P -m assessor.services.preview_child`: in
    the bundle, sys.executable is the `assessor` executable, which must play that part."""
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "two pages.pdf"
    page = canvas.Canvas(str(pdf))
    page.drawString(72, 720, "one")
    page.showPage()
    page.drawString(72, 720, "two")
    page.save()
    monkeypatch.setattr(preview.sys, "executable", str(bundle / "assessor"))
    assert preview.preview_file(pdf).summary == {"kind": "pdf", "pages": 2}
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    assert preview.preview_file(broken).summary is None


def test_the_bundle_runs_no_other_module_it_is_asked_for(bundle: Path, tmp_path: Path) -> None:
    done = _run(bundle / "assessor", "-P", "-m", "os", home=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr


def test_the_keyring_backends_are_in_and_no_plaintext_one(bundle: Path) -> None:
    """The spec builds with noarchive: modules are .pyc files under _internal/."""
    internal = bundle / "_internal"
    assert (internal / "keyring" / "backends" / "SecretService.pyc").is_file()
    for package in ("secretstorage", "jeepney"):  # what the Secret Service backend talks with
        assert (internal / package / "__init__.pyc").is_file(), package
    assert not list(internal.glob("keyrings*"))  # keyrings.alt: plaintext backends
    metadata = list(internal.glob("keyring-*.dist-info/entry_points.txt"))
    assert metadata, "keyring finds its backends through its entry points"


def test_qt_pdf_and_svg_are_in(bundle: Path) -> None:
    qt = bundle / "_internal" / "PySide6"
    for name in ("QtPdf", "QtPdfWidgets", "QtSvg"):
        assert (qt / f"{name}.abi3.so").is_file(), name
        assert list((qt / "Qt" / "lib").glob(f"libQt6{name[2:]}.so.6")), name


def test_the_tarball_matches_its_checksum_and_holds_the_bundle(bundle: Path) -> None:
    [tarball] = bundle.parent.glob(f"assessor-{__version__}-linux-*.tar.gz")
    checksum = tarball.with_name(tarball.name + ".sha256").read_text().split()
    assert checksum == [hashlib.sha256(tarball.read_bytes()).hexdigest(), tarball.name]
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    for name in ("assessor/assessor", "assessor/issuer", "assessor/install-menu.sh"):
        assert name in names
    assert "assessor/_internal/assessor/resources/icons/app/assessor.svg" in names


def test_the_bundled_issuer_migrates_and_serves_with_two_workers(
    bundle: Path, tmp_path: Path
) -> None:
    """Its Alembic migrations are read from the bundle, and uvicorn's worker processes (spawned
    by the frozen executable) answer."""
    import socket
    import time

    import httpx

    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "ISSUER_DATA_DIR": str(tmp_path / "issuer"),
        "ISSUER_KEY_PASSPHRASE": "a passphrase only this test knows",
    }
    issuer = str(bundle / "issuer")
    init = [issuer, "init", "--domain", "127.0.0.1", "--name", "Test", "--url", "https://t.test"]
    done = subprocess.run(init, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = [issuer, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/.well-known/assessor-api", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "never served"
                time.sleep(0.5)
        assert answer.status_code == 200
        assert answer.json()["issuer"] == "did:web:127.0.0.1"
        # multiprocessing's resource tracker, a `-c` child that packaging/launch.py runs
        # (decision 0034), is up: a failed one would have left (and said so on stderr).
        children = subprocess.run(
            ["ps", "--ppid", str(server.pid), "-ww", "-o", "args="], capture_output=True, text=True
        ).stdout
        assert "multiprocessing.resource_tracker import main" in children
        assert children.count("--multiprocessing-fork") == 2  # the workers
    finally:
        os.killpg(server.pid, 15)  # the server and the workers it started, nothing else
        server.wait(timeout=60)
    assert server.stderr is not None
    said = server.stderr.read().decode()
    assert "Traceback" not in said and "usage:" not in said, said
