"""Child of the durability test: saves draft changes forever, acknowledging each after its
commit returned; killed with SIGKILL at a random moment (see tests/services/zygote.py)."""

from collections.abc import Callable
from pathlib import Path

from assessor.services.scoring import DraftChange, SetComment, SetLevel, save_draft
from assessor.store.db import Database
from tests.services.zygote import serve

CRITERIA = ["plan", "terminate", "prove-dead"]
LEVELS = ["not-yet", "developing", "competent", "proficient"]


def save_forever(args: list[str], ack: Callable[[str], None]) -> None:
    data_dir, submission, assessor, start = args
    with Database.open(Path(data_dir)) as db:
        db.engine.raw_connection().close()  # the pooled connection, opened as the window has it
        ack("READY")
        n = int(start)
        while True:
            n += 1
            changes: list[DraftChange] = [
                SetLevel(CRITERIA[n % len(CRITERIA)], LEVELS[n % len(LEVELS)]),
                SetComment("record", f"save {n}"),
            ]
            save_draft(db, submission, assessor, changes)
            ack(f"ACK {n}")


if __name__ == "__main__":
    serve(save_forever)
