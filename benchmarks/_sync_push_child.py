"""The desktop's side of bench_sync_push.py: one sync round alone in this process, importing
only what the desktop imports, so its peak RSS is the desktop's. Time, report and peak RSS
as JSON on standard output; the device token on standard input.

    python benchmarks/_sync_push_child.py DATA_DIR PROFILE_ID < token
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.store import sync_state as st
from assessor.store.db import Database
from assessor.sync.service import SyncService


def peak_rss_kib() -> int:
    """This process's peak RSS: VmHWM, which starts afresh at exec (ru_maxrss on Linux keeps
    the parent's peak across fork and exec, so it would report the benchmark's own)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main(folder: str, profile: str) -> None:
    token = sys.stdin.readline().strip()
    with Database.open(Path(folder)) as db:
        with db.read() as tx:
            enrolment = st.enrolment(tx, profile)
        assert enrolment is not None
        secrets = SecretStore(MemoryKeyring())
        secrets.set_token(enrolment.backend, token, account=profile)
        began = time.perf_counter()
        report = SyncService(db, secrets).sync(profile)
        seconds = time.perf_counter() - began
    peak_kib = peak_rss_kib()
    print(json.dumps({"seconds": seconds, "report": report.to_json(), "peakKiB": peak_kib}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
