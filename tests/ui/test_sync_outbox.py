"""The Sync page's outbox list (ui/sync/outbox.py, rows.py): rows worded on the worker, and
columns sized from each column's longest texts as wide as the view's own measuring."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from assessor.store.sync_state import OutboxEntry
from assessor.ui import theme
from assessor.ui.sync.outbox import ANSWER, HEADERS, outbox_model, shown
from assessor.ui.sync.rows import fit_columns, ready

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
KINDS = ("ArtifactAssessmentRecord", "ExamSessionAmendmentRecord", "ProjectSignOffRecord")
STATES = ("pending", "acknowledged", "rejected", "conflict")


def entry(n: int, state: str, kind: str = KINDS[0], **values: Any) -> OutboxEntry:
    fields: dict[str, Any] = {
        "id": n, "record_id": f"urn:uuid:0192{n:028x}", "kind": kind, "issuer": "did:key:z",
        "digest": "uEi", "submission_id": f"sub-{n:0{1 + n % 7}d}", "state": state,
        "answer": None, "reason": None, "message": None, "attempts": n % 12,
        "created_at": AT, "next_attempt_at": None, "synced_at": None,
    }  # fmt: skip
    fields.update(values)
    return OutboxEntry(**fields)


def test_a_row_says_what_the_backend_answered(qapp: Any) -> None:
    rejected = shown(
        entry(1, "rejected", answer="rejected", reason="chain", message="seq 4 expected")
    )
    assert rejected.cells[0] == "Assessment 0192000000000…"
    assert rejected.cells[2] == "✕ Rejected by backend"
    assert rejected.cells[ANSWER] == "rejected — chain — seq 4 expected"
    assert rejected.cells[6] == ""  # never synced
    assert shown(entry(2, "acknowledged", synced_at=AT)).cells[6] != ""

    waiting = shown(entry(2, "pending"))
    model = outbox_model()
    model.set_rows([rejected, waiting])
    assert model.rows == [rejected.item, waiting.item]
    assert model.index(1, 2).data() == "○ Waiting"
    answer = model.index(0, ANSWER)
    assert answer.data() == answer.data(Qt.ItemDataRole.ToolTipRole) == rejected.cells[ANSWER]
    red = theme.text_colour("red")
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) == red
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is None  # waiting: plain


def test_longest_keeps_each_columns_longest_texts() -> None:
    rows = [shown(entry(n, "pending", attempts=n)) for n in range(120)]
    found = ready(rows, len(HEADERS)).longest
    assert len(set(found[4])) == 3 and {len(t) for t in found[4]} == {3}  # tries: 100..119
    assert found[2] == ["○ Waiting"]  # one distinct text
    assert len(found) == len(HEADERS)


def test_columns_are_as_wide_as_the_views_own_measuring(qapp: Any) -> None:
    rows = [
        shown(entry(n, STATES[n % 4], KINDS[n % 3], synced_at=AT if n % 2 else None))
        for n in range(300)
    ]
    ours, theirs = QTableView(), QTableView()
    for table in (ours, theirs):
        model = outbox_model()
        model.set_rows(rows)
        table.setModel(model)
        table.resize(1200, 400)
    fit_columns(ours, ready(rows, len(HEADERS)).longest, ANSWER)
    theirs.horizontalHeader().setResizeContentsPrecision(-1)  # every row
    theirs.resizeColumnsToContents()
    for column in range(len(HEADERS)):
        if column != ANSWER:
            wanted = theirs.horizontalHeader().sectionSize(column)
            assert ours.horizontalHeader().sectionSize(column) >= wanted, column
    mode = ours.horizontalHeader().sectionResizeMode(ANSWER)
    assert mode == QHeaderView.ResizeMode.Stretch  # the answer takes the room left
