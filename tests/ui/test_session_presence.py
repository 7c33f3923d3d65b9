"""Where the console says each candidate is, and what B does: the last movement the log has
of them decides, whatever came between (incidents, outcomes, others' movements)."""

from __future__ import annotations

from assessor.services.exam_views import EntryView, SessionView
from assessor.ui.sessions.tables import presence


def _session(*moves: tuple[str, tuple[str, ...]]) -> SessionView:
    log = tuple(
        EntryView(n, f"2026-12-02T09:{n:02d}:00Z", "p", kind, who, None)
        for n, (kind, who) in enumerate(moves, 1)
    )
    return SessionView("s", "t", "site", "here", "open", "", "", "p", None, None, (), log)


def test_the_last_movement_of_each_candidate_says_where_they_are() -> None:
    v = _session(
        ("check-in", ("C1",)),
        ("check-in", ("C2",)),
        ("check-in", ("C3",)),
        ("break-start", ("C1",)),
        ("incident", ("C1", "C2")),
        ("exit", ("C2",)),
        ("outcome", ("C3",)),
        ("break-start", ("C3",)),
        ("break-end", ("C3",)),
    )
    assert presence(v) == {"C1": "on a break", "C2": "left the room", "C3": "in the room"}
