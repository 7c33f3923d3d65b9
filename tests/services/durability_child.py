"""Child of the durability test: saves draft changes forever, printing 'ACK n' after each
commit returned. Killed with SIGKILL at a random moment by the parent."""

import sys
from pathlib import Path

from assessor.services.scoring import SetComment, SetLevel, save_draft
from assessor.store.db import Database

data_dir, submission, assessor, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
criteria = ["plan", "terminate", "prove-dead"]
levels = ["not-yet", "developing", "competent", "proficient"]
with Database.open(Path(data_dir)) as db:
    print("READY", flush=True)
    n = start
    while True:
        n += 1
        criterion = criteria[n % len(criteria)]
        save_draft(
            db,
            submission,
            assessor,
            [
                SetLevel(criterion, levels[n % len(levels)]),
                SetComment("record", f"save {n}"),
            ],
        )
        sys.stdout.write(f"ACK {n}\n")
        sys.stdout.flush()
