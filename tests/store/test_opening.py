"""`Database.open` on paths that cannot be a data folder, in both modes: a StoreError with a
message (exit 2 at the command line), never an OSError from deep inside; nothing created.
And a new database is built aside: no empty assessor.db is ever left by a failed creation."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.store import migrate
from assessor.store.db import Database
from assessor.store.errors import StoreError

MODES = pytest.mark.parametrize("create", [True, False], ids=["writing", "reading"])


@MODES
def test_a_file_is_not_a_data_folder(tmp_path: Path, create: bool) -> None:
    afile = tmp_path / "a-file"
    afile.write_bytes(b"x")
    with pytest.raises(StoreError, match="this is a file, not a folder"):
        Database.open(afile, create=create)
    with pytest.raises(StoreError, match=f"it would lie under {afile}, which is a file"):
        Database.open(afile / "deeper" / "data", create=create)
    assert afile.read_bytes() == b"x"


@MODES
def test_a_name_longer_than_the_file_system_allows(tmp_path: Path, create: bool) -> None:
    folder = tmp_path / ("é" * 130) / "data"  # 260 bytes in UTF-8
    with pytest.raises(StoreError, match="is 260 bytes long; the file system allows at most"):
        Database.open(folder, create=create)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_creation_leaves_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(engine: object, revision: str = "head") -> None:
        raise RuntimeError("power cut in the middle of creating the schema")

    monkeypatch.setattr(migrate, "upgrade", broken)
    with pytest.raises(RuntimeError, match="power cut"):
        Database.open(tmp_path / "data")
    assert not (tmp_path / "data" / "assessor.db").exists()
    monkeypatch.undo()
    with Database.open(tmp_path / "data") as db, db.read() as tx:
        assert migrate.current_revision(tx.connection()) == migrate.head_revision()
