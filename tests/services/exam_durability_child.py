"""Child of the exam durability test: logs incidents forever, acknowledging each after its
commit returned (the console's "Saved"); killed with SIGKILL at a random moment (see
tests/services/zygote.py)."""

from collections.abc import Callable
from pathlib import Path

from assessor.services.exam_sessions import Incident, log_incident
from assessor.store.db import Database
from tests.services.zygote import serve

SEVERITIES = ["green", "yellow", "red", "blue"]


def log_forever(args: list[str], ack: Callable[[str], None]) -> None:
    data_dir, session, proctor, start = args
    with Database.open(Path(data_dir)) as db:
        db.engine.raw_connection().close()  # the pooled connection, opened as the window has it
        ack("READY")
        n = int(start)
        while True:
            n += 1
            incident = Incident("other", SEVERITIES[n % 4], f"incident {n}", ["C1"], witness="Pat")
            logged = log_incident(db, proctor, session, incident)
            ack(f"ACK {n} {logged.seq}")


if __name__ == "__main__":
    serve(log_forever)
