"""Child of the exam durability test: logs incidents forever, printing 'ACK n' after each
commit returned (the console's "Saved"). Killed with SIGKILL at a random moment."""

import sys
from pathlib import Path

from assessor.services.exam_sessions import Incident, log_incident
from assessor.store.db import Database

data_dir, session, proctor, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
severities = ["green", "yellow", "red", "blue"]
with Database.open(Path(data_dir)) as db:
    print("READY", flush=True)
    n = start
    while True:
        n += 1
        incident = Incident("other", severities[n % 4], f"incident {n}", ["C1"], witness="Pat")
        logged = log_incident(db, proctor, session, incident)
        sys.stdout.write(f"ACK {n} {logged.seq}\n")
        sys.stdout.flush()
