"""Run inside a private mount namespace with a small tmpfs at argv[1] (see test_disk_full):
copy the demo folder argv[2] there, fill the disk, run commands, print what each said."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
from pathlib import Path

from assessor.cli import main
from assessor.services.profiles import resolve_profile
from assessor.services.scoring import (
    DraftChange,
    SetComment,
    SetOverallComment,
    save_draft,
    show_evaluation,
)
from assessor.store.db import Database
from assessor.store.errors import StoreError


def fill(mount: Path, leave: int) -> None:
    """Write a filler file until the disk is full, then give back `leave` bytes."""
    filler = mount / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    with filler.open("r+b") as f:
        f.truncate(max(0, filler.stat().st_size - leave))


def run(*argv: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return {"argv": list(argv[:3]), "code": code, "out": out.getvalue(), "err": err.getvalue()}


def put_blob(data: Path) -> dict[str, object]:
    """A blob bigger than the room left: DiskFull, and no temp file left behind."""
    with Database.open(data) as db:
        try:
            db.blobs.put_bytes(b"evidence " * 60_000)
        except StoreError as exc:
            left = list((data / "blobs" / "tmp").iterdir())
            return {"argv": ["put_bytes"], "code": 2, "out": str(left), "err": exc.message}
    return {"argv": ["put_bytes"], "code": 0, "out": "", "err": ""}


def long_comments(data: Path) -> dict[str, object]:
    """A save bigger than the room left (every criterion commented at length): the service
    says the disk is full, and the transaction is rolled back whole."""
    with Database.open(data) as db:
        view = show_evaluation(db, "sub-001")
        ada = resolve_profile(db, "Ada Assessor", "assessor")
        changes: list[DraftChange] = [SetComment(c.id, "x" * 15_000) for c in view.criteria]
        changes.append(SetOverallComment("y" * 15_000))
        try:
            save_draft(db, "sub-001", ada.id, changes)
        except StoreError as exc:
            return {"argv": ["save_draft"], "code": 2, "out": "", "err": exc.message}
    return {"argv": ["save_draft"], "code": 0, "out": "", "err": ""}


def main_() -> None:
    mount, demo = Path(sys.argv[1]), Path(sys.argv[2])
    data = mount / "data"
    shutil.copytree(demo, data, ignore=shutil.ignore_patterns("assessor.lock"))
    d = ("--data-dir", str(data))
    results = []
    fill(mount, 0)
    results.append(run("verify", *d))
    results.append(run("submission", "list", *d))
    results.append(run("score", "sub-001", "--level", "prove-dead=competent", *d))
    (mount / "filler").unlink()
    fill(mount, 120_000)  # room to open and read, not for long comments on every criterion
    results.append(run("verify", *d))
    results.append(long_comments(data))
    results.append(put_blob(data))
    (mount / "filler").unlink()
    results.append(run("verify", *d))
    results.append(run("evaluation", "show", "sub-001", "--json", *d))
    print(json.dumps(results))


if __name__ == "__main__":
    main_()
