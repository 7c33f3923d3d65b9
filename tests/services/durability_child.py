"""Child of the durability test: saves draft changes forever, acknowledging each after its
commit returned; killed with SIGKILL at a random moment (see tests/services/zygote.py)."""

from assessor.services.scoring import DraftChange, SetComment, SetLevel, save_draft
from assessor.store.db import Database
from tests.services.zygote import serve

CRITERIA = ["plan", "terminate", "prove-dead"]
LEVELS = ["not-yet", "developing", "competent", "proficient"]


def save(db: Database, args: list[str], n: int) -> str:
    submission, assessor = args
    changes: list[DraftChange] = [
        SetLevel(CRITERIA[n % len(CRITERIA)], LEVELS[n % len(LEVELS)]),
        SetComment("record", f"save {n}"),
    ]
    save_draft(db, submission, assessor, changes)
    return ""


if __name__ == "__main__":
    serve(save)
