"""httpx (and rich, pygments, click that it loads) waits for the first request: the window
imports the sync code to show its status, and its start must not pay for a library no first
screen needs (decision 0026)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import assessor.ui.sync.controller, assessor.sync.service, assessor.ui.main_window
print(sorted(m for m in ("httpx", "rich", "pygments", "click") if m in sys.modules))
from assessor.sync.client import Backend
Backend("http://127.0.0.1:9").close()
print("httpx" in sys.modules)
"""


def test_the_sync_code_loads_httpx_only_when_it_talks_to_a_backend() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True"]
