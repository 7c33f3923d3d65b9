"""The status bar's sync words in each state (ui/sync/words.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from assessor.sync.enrol import EnrolmentInfo
from assessor.sync.service import SyncReport
from assessor.ui.sync.controller import Snapshot
from assessor.ui.sync.words import local_time, status_line

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ENROLLED = EnrolmentInfo(
    "p", "http://127.0.0.1:8000", "Ada", ("assessor",), "d", "did:key:z", "active", NOW, None, None
)


def report(**values: Any) -> SyncReport:
    made = SyncReport("p", ENROLLED.backend)
    for name, value in values.items():
        setattr(made, name, value)
    return made


def test_each_state_in_words(qapp: Any) -> None:
    assert status_line(Snapshot(), 3, NOW) == (
        "Offline — not enrolled with a backend (File ▸ Enrol) · 3 records waiting · never synced"
    )
    no_keyring = Snapshot(problem="Sync is off: no safe keyring here.")
    assert status_line(no_keyring, 1, NOW).startswith(
        "Sync is off: no safe keyring here. · 1 record"
    )
    assert status_line(Snapshot(ENROLLED), 0, NOW) == (
        "Not synced yet · 0 records waiting · never synced"
    )
    running = Snapshot(ENROLLED, running=True, step="push", done=200, total=1000)
    assert status_line(running, 1000, NOW).startswith("Sending records 200/1000… · ")
    assert status_line(Snapshot(ENROLLED, running=True), 5, NOW).startswith("Syncing… · ")
    online = Snapshot(ENROLLED, last=report(), last_at=NOW - timedelta(minutes=3))
    assert status_line(online, 0, NOW) == "Online · 0 records waiting · last sync 3 min ago"
    later = NOW + timedelta(minutes=2)
    offline = Snapshot(
        ENROLLED,
        last=report(error="could not reach http://127.0.0.1:8000", offline=True),
        last_at=NOW - timedelta(hours=2),
        next_at=later,
    )
    assert status_line(offline, 7, NOW) == (
        "Offline: could not reach http://127.0.0.1:8000 · 7 records waiting · last sync 2 h ago"
        f" · trying again at {local_time(later)}"
    )
    refused = Snapshot(ENROLLED, last=report(error="the backend refused: bad token"), last_at=NOW)
    assert status_line(refused, 0, NOW).startswith(
        "Sync failed: the backend refused: bad token · 0 records waiting · last sync just now"
    )
