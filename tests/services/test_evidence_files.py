"""An evidence blob replaced by something that is not a regular file: `verify`, the viewer's
read and the package export name it as a failed item; none hangs, reads forever or crashes.
(Before: a named pipe or a link to /dev/zero hung `verify`, a directory gave a traceback.)"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.domain.errors import DomainError
from assessor.services.package_export import export_package
from assessor.services.verify import verify_store
from assessor.services.workspace import read_artifact
from assessor.store import records as r
from assessor.store.db import Database
from assessor.store.errors import StoreError
from tests.conftest import Seed
from tests.services.test_verify import add_evidence

pytestmark = pytest.mark.timeout(30)  # a hang is a failure, and a quick one


def fifo(path: Path) -> None:
    os.mkfifo(path)


def link_to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def directory(path: Path) -> None:
    path.mkdir()


def link_to_the_same_bytes(path: Path) -> None:
    """Even a link to the right content is refused: the store never follows links."""
    copy = path.with_name("elsewhere")
    copy.write_bytes(b"evidence 1\n")
    path.symlink_to(copy)


def larger(path: Path) -> None:
    path.write_bytes(b"evidence 1\n" + b"\0" * (1 << 20))


def folder_is_a_link(path: Path) -> None:
    """The folder holding the blob is a link to another folder holding the same bytes."""
    folder = path.parent
    moved = folder.with_name(folder.name + "-real")
    folder.rename(moved)
    (moved / path.name).write_bytes(b"evidence 1\n")
    folder.symlink_to(moved)


REPLACEMENTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "named pipe": (fifo, "is a named pipe, not a regular file"),
    "link to /dev/zero": (link_to_dev_zero, "is a symbolic link"),
    "directory": (directory, "is a directory, not a regular file"),
    "link to the same bytes": (link_to_the_same_bytes, "is a symbolic link"),
    "larger than recorded": (larger, "holds more than the 11 bytes expected"),
    "folder is a link": (folder_is_a_link, "cannot be opened safely"),
}


@pytest.fixture(params=list(REPLACEMENTS), ids=list(REPLACEMENTS))
def replaced(request: pytest.FixtureRequest, db: Database, seeded: Seed) -> tuple[Database, str]:
    blobs = add_evidence(db, "sub-001", b"evidence 0\n", b"evidence 1\n", b"evidence 2\n")
    assert verify_store(db).ok
    path = db.blobs.path_of(blobs[1].sha256)
    path.chmod(0o600)
    path.unlink()
    make, problem = REPLACEMENTS[request.param]
    make(path)
    return db, problem


def test_verify_names_the_artifact_and_what_is_there(replaced: tuple[Database, str]) -> None:
    db, problem = replaced
    found = verify_store(db).finding
    assert found is not None
    assert (found.table, found.index, found.id) == ("artifacts", 2, "sub-001")
    assert problem in found.problem


def test_the_viewer_and_the_export_refuse_it(
    replaced: tuple[Database, str], tmp_path: Path
) -> None:
    db, _ = replaced
    sha256 = _sha(db, 1)
    with pytest.raises(StoreError, match="blob"):
        read_artifact(db, sha256)
    out = tmp_path / "out.zip"
    with pytest.raises(DomainError, match="evidence blob"):
        export_package(db, ["sub-001"], out)
    assert not out.exists()


def _sha(db: Database, position: int) -> str:
    with db.read() as tx:
        return r.evidence(tx, "sub-001")[position].sha256


def test_an_intact_store_exports_and_reads(db: Database, seeded: Seed, tmp_path: Path) -> None:
    """The guard against a vacuous pass: the same calls succeed on intact blobs."""
    add_evidence(db, "sub-001", b"evidence 0\n", b"evidence 1\n")
    assert read_artifact(db, _sha(db, 1)) == b"evidence 1\n"
    out = tmp_path / "out.zip"
    export_package(db, ["sub-001"], out)
    with zipfile.ZipFile(out) as zf:
        files = [n for n in zf.namelist() if n.startswith("001/")]
        assert [zf.read(n) for n in files] == [b"evidence 0\n", b"evidence 1\n"]
