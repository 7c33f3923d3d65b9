"""`score --finalize` checks the evidence on disk before signing: a record vouches for the
files by digest, so a corrupt or missing one is refused, naming the file, and nothing is
signed. (Before: the record was signed over the digests of bytes no longer there.)"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assessor.demo import DEMO_PASSPHRASE
from assessor.demo.folder import FOR_SIGNOFF
from assessor.store.blobs import BlobStore
from tests.cli.conftest import run
from tests.cli.test_identity_cli import finalize_cli, full_levels, run_in


def evidence_of(data: Path, submission: str) -> list[tuple[str, str]]:
    con = sqlite3.connect(data / "assessor.db")
    try:
        rows = con.execute(
            "SELECT name, sha256 FROM artifacts WHERE submission_id = ? ORDER BY position",
            (submission,),
        ).fetchall()
    finally:
        con.close()
    return [(str(n), str(h)) for n, h in rows]


def records(data: Path) -> int:
    con = sqlite3.connect(data / "assessor.db")
    try:
        return int(con.execute("SELECT count(*) FROM records").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_finalize_refuses_damaged_evidence_naming_the_file(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    name, sha256 = evidence_of(demo, "sub-003")[-1]
    path = BlobStore(demo / "blobs").path_of(sha256)
    path.chmod(0o600)
    if damage == "corrupt":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(bytes(data))
    else:
        path.unlink()
    levels = full_levels(demo, capsys, "sub-003")
    code, _, err = run_in(
        capsys, monkeypatch, DEMO_PASSPHRASE + "\n",
        "score", "sub-003", *levels, "--finalize", "--profile", "Ada Assessor",
        "--data-dir", str(demo),
    )  # fmt: skip
    assert code == 2
    assert f"cannot finalize sub-003: its evidence file '{name}'" in err
    assert "nothing was signed" in err
    assert records(demo) == FOR_SIGNOFF  # the demo's own, and no new one
    _, out, _ = run(capsys, "evaluation", "show", "sub-003", "--data-dir", str(demo), "--json")
    assert json.loads(out)["status"] == "draft"


def test_intact_evidence_finalizes(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard against a vacuous pass: the same command on intact evidence signs."""
    finalize_cli(demo, capsys, monkeypatch)
    assert records(demo) == FOR_SIGNOFF + 1
