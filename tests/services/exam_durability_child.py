"""Child of the exam durability test: logs incidents forever, acknowledging each (with its
sequence number) after its commit returned (the console's "Saved"); killed with SIGKILL at a
random moment (see tests/services/zygote.py)."""

from assessor.services.exam_sessions import Incident, log_incident
from assessor.store.db import Database
from tests.services.zygote import serve

SEVERITIES = ["green", "yellow", "red", "blue"]


def log(db: Database, args: list[str], n: int) -> str:
    session, proctor = args
    incident = Incident("other", SEVERITIES[n % 4], f"incident {n}", ["C1"], witness="Pat")
    return str(log_incident(db, proctor, session, incident).seq)


if __name__ == "__main__":
    serve(log)
