"""Write `fixtures/schema-0005.sql`: a database as schema revision 0005 stores it.

Run once, from the repository root, and commit the output; never regenerate it:

    python3 -m tests.store.make_fixture_0005

It is the schema-0003 fixture opened by a release at 0005 (backed up, migrated: the
`store.baseline` event holds every row it found), then used through the services as that
release does: a draft changed (level, comment, overall comment, each an event carrying the
rows it wrote), a correction finalized and signed, a wrong passphrase and a right one. Every
later revision must open it, keep its rows and still verify it (tests/store/test_fixture_0005).
Times and ids are the day it was written; the file is what matters, not how to remake it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import tempfile
from pathlib import Path

from assessor.security.keys import WrongPassphrase
from assessor.services.finalize import finalize
from assessor.services.profiles import unlock
from assessor.services.scoring import SetComment, SetLevel, SetOverallComment, save_draft
from assessor.services.verify import verify_store
from assessor.store.db import Database
from tests.store import make_fixture, make_fixture_0003
from tests.store.make_fixture_0003 import ADA, MAX, PASSPHRASE

REVISION = "0005"
OUT = Path(__file__).with_name("fixtures") / f"schema-{REVISION}.sql"
FIXTURE_0003 = Path(__file__).with_name("fixtures") / "schema-0003.sql"


def build(data: Path) -> None:
    data.mkdir()
    make_fixture.load_fixture(FIXTURE_0003, data / "assessor.db")
    with Database.open(data) as db:
        for content in make_fixture_0003.EVIDENCE.values():
            db.blobs.put_bytes(content)
        save_draft(
            db,
            "sub-002",
            ADA,
            [
                SetLevel("plan", "competent"),
                SetLevel("prove-dead", "proficient"),
                SetComment("prove-dead", "Proved dead at the board and at the socket."),
                SetOverallComment("Careful work; the plan could say more."),
            ],
        )
        with contextlib.suppress(WrongPassphrase):
            unlock(db, MAX, "not the passphrase")
        finalize(db, "sub-002", unlock(db, ADA, PASSPHRASE))
        report = verify_store(db)
        assert report.ok, report.finding
    con = sqlite3.connect(data / "assessor.db")
    con.execute("PRAGMA journal_mode=DELETE")  # one file, as a dump reads it
    con.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        build(data)
        OUT.write_text(make_fixture.dump(data / "assessor.db"), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
