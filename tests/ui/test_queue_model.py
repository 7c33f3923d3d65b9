"""The work queue model and controller over a real demo database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView
from sqlalchemy import select

from assessor.demo import DEMO_ASSESSOR, write_demo
from assessor.domain.workflow import STATUS_WORDS, TO_SCORE_STATUSES, SubmissionStatus
from assessor.services.profiles import list_profiles
from assessor.services.queue import (
    SORT_COLUMNS,
    QueueFilter,
    QueuePage,
    QueueSort,
    SubmissionRow,
    queue_page,
)
from assessor.store import models as m
from assessor.store.db import Database
from assessor.ui.queue.controller import QueueController
from assessor.ui.queue.model import IdRole, PagedModel
from assessor.ui.queue.submissions import Column, SubmissionColumns
from assessor.ui.queue.view import submission_queue
from assessor.ui.tasks import TaskRunner

pytestmark = pytest.mark.usefixtures("qapp")

HEADERS = ["Learner", "Assessment", "Rubric", "Submitted", "My progress", "Status", "Due"]
BLIND = "reflective-practice"  # the demo's blind-marked assessment

SYMBOLS = {
    SubmissionStatus.TO_SCORE: "▣",
    SubmissionStatus.IN_PROGRESS: "◧",
    SubmissionStatus.FINALIZED: "■",
    SubmissionStatus.RETURNED: "↩",
    SubmissionStatus.RESUBMIT: "⧗",
    SubmissionStatus.SIGNED_OFF: "✔",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, kdf_cost=(1, 1, 8))
    with Database.open(folder) as db:
        me = next(p.id for p in list_profiles(db) if p.name == DEMO_ASSESSOR)
        yield db, me


class Recording:
    """The real page operation, remembering each call."""

    def __init__(self, db: Database, me: str) -> None:
        self.calls: list[tuple[QueueFilter, int, int]] = []
        self._page, self.step = submission_queue(me)

    def __call__(
        self, db: Database, f: QueueFilter, sort: QueueSort, offset: int, limit: int
    ) -> QueuePage:
        self.calls.append((f, offset, limit))
        return self._page(db, f, sort, offset, limit)  # type: ignore[no-any-return]


def new_model(page_size: int = 200) -> PagedModel[SubmissionRow]:
    return PagedModel(SubmissionColumns(), page_size=page_size)


def controller_for(model: PagedModel[SubmissionRow], query: Any, runner: Any) -> QueueController:
    return QueueController(
        model,
        query,
        runner=runner,
        initial_filter=QueueFilter(),
        sort_type=QueueSort,
        step=submission_queue("someone")[1] if not isinstance(query, Recording) else query.step,
        debounce_ms=50,
    )


def inline(demo: tuple[Database, str]) -> TaskRunner:
    return TaskRunner(synchronous=True, db=demo[0])


def make(
    demo: tuple[Database, str], page_size: int = 200
) -> tuple[PagedModel[SubmissionRow], QueueController, Recording]:
    query = Recording(*demo)
    model = new_model(page_size)
    return model, controller_for(model, query, inline(demo)), query


def row(n: int, **changes: object) -> SubmissionRow:
    base = SubmissionRow(
        id=f"sub-{n}",
        learner=f"Learner {n}",
        assessment_id="a",
        assessment="Assessment",
        status="to_score",
        submitted_at=datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(hours=n),
        due_at=None,
        rubric_id="r",
        rubric_version=1,
        rubric_digest="uEi",
        criteria_scored=0,
        criteria_total=4,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def column(model: PagedModel[SubmissionRow], col: Column, role: int) -> list[object]:
    return [model.index(r, col).data(role) for r in range(model.rowCount())]


def test_columns_and_headers() -> None:
    model = new_model()
    assert model.columnCount() == len(HEADERS) == len(Column)
    found = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert found == HEADERS
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.rowCount() == 0


def test_the_roles_written_out_are_qts() -> None:
    """The model and the columns name Qt's roles as plain ints (decision 0034): they are Qt's."""
    from assessor.ui.queue import model as queue_model
    from assessor.ui.queue import submissions

    roles = Qt.ItemDataRole
    written = [
        (queue_model.DISPLAY_ROLE, roles.DisplayRole.value),
        (queue_model.TOOLTIP_ROLE, roles.ToolTipRole.value),
        (queue_model.ALIGNMENT_ROLE, roles.TextAlignmentRole.value),
        (queue_model.FOREGROUND_ROLE, roles.ForegroundRole.value),
        (queue_model.ACCESSIBLE_TEXT_ROLE, roles.AccessibleTextRole.value),
        (IdRole, roles.UserRole.value + 1),
    ]
    assert [ours for ours, _ in written] == [qts for _, qts in written]
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert right.value == submissions._RIGHT


def test_first_page_fills_the_model_with_words_and_ids(demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo)
    controller.refresh()
    assert model.rowCount() == model.total == 40
    assert sum(controller.counts.values()) == 40
    statuses = set(column(model, Column.STATUS, Qt.ItemDataRole.DisplayRole))
    # Each state by its symbol and word, as on the filter buttons (tests/ui/test_states.py).
    assert statuses <= {f"{SYMBOLS[s]} {w}" for s, w in STATUS_WORDS.items()}
    assert f"◧ {STATUS_WORDS[SubmissionStatus.IN_PROGRESS]}" in statuses
    ids = column(model, Column.LEARNER, IdRole)
    assert ids == [r.id for r in model.rows()]
    first = model.index(0, Column.RUBRIC)
    assert first.data() == f"v{model.row_at(0).rubric_version}"
    assert model.row_at(0).rubric_digest in first.data(Qt.ItemDataRole.ToolTipRole)
    due = model.index(0, Column.DUE)
    assert due.data() not in ("", "—")  # the demo's assessments all have a due date
    assert "criteria scored" in model.index(0, Column.PROGRESS).data(
        Qt.ItemDataRole.AccessibleTextRole
    )


def test_my_progress_counts_my_draft(demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo)
    controller.set_status(SubmissionStatus.IN_PROGRESS)
    assert model.rowCount() == controller.counts[SubmissionStatus.IN_PROGRESS] > 0
    for r in model.rows():
        assert 0 < r.criteria_scored <= r.criteria_total
    shown = model.index(0, Column.PROGRESS).data()
    assert shown == f"{model.row_at(0).criteria_scored}/{model.row_at(0).criteria_total}"
    # Another assessor has scored nothing here.
    other = queue_page(
        demo[0],
        QueueFilter(status=SubmissionStatus.IN_PROGRESS),
        QueueSort(),
        0,
        50,
        assessor_id="someone-else",
    )
    assert {r.criteria_scored for r in other.rows} == {0}
    assert all(r.criteria_total > 0 for r in other.rows)


def test_blind_marking_shows_the_anonymous_code(demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo)
    controller.set_assessment(BLIND)
    assert model.rowCount() == 8
    learners = column(model, Column.LEARNER, Qt.ItemDataRole.DisplayRole)
    with demo[0].read() as tx:
        names = set(tx.scalars(select(m.Learner.name)))
    assert not names & set(learners)
    assert all(r.blind for r in model.rows())
    tip = model.index(0, Column.LEARNER).data(Qt.ItemDataRole.ToolTipRole)
    assert "blind-marked" in tip
    spoken = model.index(0, Column.LEARNER).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == f"Learner: anonymous code {learners[0]}"
    # Searching by a real name finds nothing in a blind-marked assessment.
    controller.set_text(sorted(names)[0])
    controller.refresh()
    assert model.rowCount() == 0


@pytest.mark.parametrize("col", list(Column))
def test_a_header_click_reloads_in_the_databases_order(
    demo: tuple[Database, str], col: Column
) -> None:
    model, controller, query = make(demo, page_size=15)
    controller.refresh()
    key = SubmissionColumns().sort_key(col)
    assert key in SORT_COLUMNS
    for order, descending in (
        (Qt.SortOrder.AscendingOrder, False),
        (Qt.SortOrder.DescendingOrder, True),
    ):
        model.sort(col, order)
        assert controller.sort == QueueSort(key, descending)
        sort = QueueSort(key, descending)
        expected = queue_page(demo[0], QueueFilter(), sort, 0, 40, assessor_id=demo[1])
        assert [r.id for r in model.rows()] == [r.id for r in expected.rows[:15]]
        model.fetchMore(QModelIndex())  # the next page continues the same order
        assert [r.id for r in model.rows()] == [r.id for r in expected.rows[:30]]
    calls = len(query.calls)
    model.sort(col, Qt.SortOrder.DescendingOrder)  # the same order again: nothing to read
    assert len(query.calls) == calls
    model.sort(-1)  # no column: the query's own order, oldest first
    assert controller.sort == QueueSort()


def test_next_is_found_beyond_the_loaded_pages(demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo, page_size=5)
    controller.set_assessment("safe-isolation-l2")
    model.sort(Column.LEARNER, Qt.SortOrder.DescendingOrder)
    everything = queue_page(
        demo[0], controller.filter, controller.sort, 0, 100, assessor_id=demo[1]
    ).rows
    opened: list[str] = []
    ended: list[bool] = []
    controller.open_row.connect(opened.append)
    controller.nothing_found.connect(ended.append)
    last_loaded = model.rows()[-1].id
    controller.find(last_loaded)
    expected = next(r.id for r in everything[5:] if r.status in TO_SCORE_STATUSES)
    assert opened == [expected] and model.rowCount() == 5  # no page loaded to find it
    controller.find(everything[5].id, forward=False)
    assert opened[-1] == last_loaded
    controller.find(everything[0].id, forward=False)
    assert ended == [False]  # nothing before the first row


def test_fetch_more_asks_for_the_next_page(qtbot, demo: tuple[Database, str]) -> None:
    model, controller, query = make(demo, page_size=15)
    controller.refresh()
    assert (model.rowCount(), model.total) == (15, 40)
    assert model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.wanted) as asked:
        model.fetchMore(QModelIndex())
    assert asked.args == [15, 15]
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 40
    assert not model.canFetchMore(QModelIndex())
    assert [(o, n) for _, o, n in query.calls] == [(0, 15), (15, 15), (30, 10)]
    assert len({r.id for r in model.rows()}) == 40


def test_fetch_more_without_a_reply_asks_once(qtbot) -> None:
    model = new_model(page_size=2)
    model.set_rows([row(0), row(1)], 5)
    with qtbot.waitSignal(model.wanted):
        model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # a page is in flight
    model.append_rows([row(2)])  # shorter than asked: the queue shrank, stop there
    assert (model.rowCount(), model.total) == (3, 3)
    assert not model.canFetchMore(QModelIndex())


def test_a_failed_page_can_be_asked_for_again(qtbot) -> None:
    model = new_model(page_size=2)
    model.set_rows([row(0), row(1)], 5)
    model.fetchMore(QModelIndex())
    model.fetch_failed("disk I/O error")
    assert (model.fetch_error, model.fetching) == ("disk I/O error", False)
    assert not model.canFetchMore(QModelIndex())  # the view does not hammer a failing disk
    model.retry_fetching()
    with qtbot.waitSignal(model.wanted) as asked:
        model.fetchMore(QModelIndex())
    assert asked.args == [2, 2] and model.fetch_error is None
    model.append_rows([])  # nothing came: the queue shrank to what is shown
    assert not model.canFetchMore(QModelIndex())


class Flaky(Recording):
    """The real query, failing while `broken` is set (a locked or unreadable database)."""

    broken = False

    def __call__(
        self, db: Database, f: QueueFilter, sort: QueueSort, offset: int, limit: int
    ) -> QueuePage:
        if self.broken:
            raise OSError("database is locked")
        return super().__call__(db, f, sort, offset, limit)


def test_failed_queries_are_told_and_leave_nothing_waiting(
    qtbot, demo: tuple[Database, str]
) -> None:
    query = Flaky(*demo)
    model = new_model(page_size=15)
    controller = controller_for(model, query, inline(demo))
    controller.refresh()
    query.broken = True
    with qtbot.waitSignal(controller.failed) as told:
        model.fetchMore(QModelIndex())
    assert told.args == ["Could not read more of the queue: database is locked"]
    assert model.rowCount() == 15 and not model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(controller.failed) as told:
        controller.refresh()
    assert told.args == ["Could not read the queue: database is locked"]
    assert model.rowCount() == 15  # what was shown stays
    query.broken = False
    model.retry_fetching()
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 30


class Held:
    """A runner that holds each read until the test answers it, in any order."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.calls: list[tuple[Any, Any, Any]] = []

    def read(self, op: Any, *args: Any, on_done: Any, on_error: Any, **_how: Any) -> None:
        self.calls.append((lambda: op(self.db, *args), on_done, on_error))

    def answer(self, n: int) -> None:
        work, done, _ = self.calls[n]
        done(work())

    def fail(self, n: int, exc: BaseException) -> None:
        self.calls[n][2](exc)


def held_queue(
    demo: tuple[Database, str], page_size: int
) -> tuple[Held, PagedModel[SubmissionRow], QueueController]:
    """A queue over the demo whose first page has come, and a second asked for."""
    held = Held(demo[0])
    model = new_model(page_size=page_size)
    controller = controller_for(model, Recording(*demo), held)
    controller.refresh()
    held.answer(0)
    model.fetchMore(QModelIndex())
    return held, model, controller


def test_a_page_asked_for_during_a_refresh_is_not_added_to_the_new_rows(
    demo: tuple[Database, str],
) -> None:
    held, model, controller = held_queue(demo, page_size=5)
    held.answer(1)
    assert model.rowCount() == 10
    controller.refresh()  # finalizing refreshes the queue...
    model.fetchMore(QModelIndex())  # ...and "next" asks for more before it has come back
    held.answer(2)  # the refresh: rows 0-4 again
    held.answer(3)  # the page asked for at offset 10: dropped, not appended after row 4
    assert model.rowCount() == 5 and not model.fetching
    model.fetchMore(QModelIndex())
    held.answer(4)
    ids = [r.id for r in model.rows()]
    everything = [r.id for r in queue_page(demo[0], QueueFilter(), QueueSort(), 0, 10).rows]
    assert ids == everything  # no gap, no row twice


def test_a_filter_that_cannot_be_read_shows_no_rows_of_another(
    qtbot, demo: tuple[Database, str]
) -> None:
    held, model, controller = held_queue(demo, page_size=15)
    controller.set_assessment("site-induction")
    with qtbot.waitSignal(controller.failed):
        held.fail(2, OSError("database is locked"))
    assert model.rowCount() == 0 and not model.fetching  # not the previous filter's rows
    held.answer(1)  # the previous filter's page, late: dropped
    assert model.rowCount() == 0
    controller.refresh()
    held.fail(3, OSError("database is locked"))  # the same filter failing again...
    controller.refresh()
    held.answer(4)
    assert {r.assessment_id for r in model.rows()} == {"site-induction"}


def test_search_is_debounced(qtbot, demo: tuple[Database, str]) -> None:
    model, controller, query = make(demo)
    controller.refresh()
    query.calls.clear()
    with qtbot.waitSignal(model.modelReset, timeout=2000):
        for text in ("s", "su", "sub", "sub-"):
            controller.set_text(text)
    qtbot.waitUntil(lambda: len(query.calls) == 1)
    assert query.calls[0][0].text == "sub-"
    assert model.rowCount() == 40


def test_filters_requery_and_counts_per_status(qtbot, demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo)
    with qtbot.waitSignal(controller.counts_changed) as counted:
        controller.set_assessment("safe-isolation-l2")
    counts = counted.args[0]
    assert sum(counts.values()) == model.rowCount() == 14
    controller.set_status(SubmissionStatus.TO_SCORE)
    assert model.rowCount() == counts[SubmissionStatus.TO_SCORE]
    assert controller.counts == counts  # counts ignore the status filter, for the status line
    assert {r.status for r in model.rows()} == {SubmissionStatus.TO_SCORE}


def test_stale_results_are_dropped(demo: tuple[Database, str]) -> None:
    held = Held(demo[0])
    model = new_model()
    controller = controller_for(model, Recording(*demo), held)
    controller.set_assessment("site-induction")
    controller.set_assessment(BLIND)
    held.answer(1)
    held.answer(0)
    assert {r.assessment_id for r in model.rows()} == {BLIND}


def test_enter_opens_the_submission(qtbot, demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo)
    controller.refresh()
    model.sort(Column.LEARNER)
    with qtbot.waitSignal(controller.open_row) as opened:
        controller.activate(model.index(0, Column.STATUS))
    assert opened.args == [model.index(0, 0).data(IdRole)]


def test_renders_in_a_table_view(qtbot, tmp_path: Path, demo: tuple[Database, str]) -> None:
    model, controller, _ = make(demo, page_size=25)
    controller.refresh()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(Column.ASSESSMENT, QHeaderView.ResizeMode.Stretch)
    view.sortByColumn(Column.SUBMITTED, Qt.SortOrder.AscendingOrder)
    view.activated.connect(controller.activate)
    view.resize(1100, 500)
    view.show()
    qtbot.waitExposed(view)
    view.selectRow(0)
    with qtbot.waitSignal(controller.open_row):
        qtbot.keyClick(view.viewport(), Qt.Key.Key_Return)
    view.grab().save(str(tmp_path / "queue.png"))
    assert (tmp_path / "queue.png").stat().st_size > 0
    assert view.horizontalHeader().sectionSize(Column.LEARNER) > 0
    # Scrolling to the end pulls the next pages through fetchMore.
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 40)


def test_dates_follow_the_locale() -> None:
    model = new_model()
    model.set_rows([row(0, due_at=datetime(2026, 4, 9, 12, tzinfo=UTC))], 1)
    before = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert model.index(0, Column.DUE).data() == "4/9/26"
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        assert model.index(0, Column.DUE).data() == "09/04/2026"
        QLocale.setDefault(QLocale.c())  # no order of day and month to follow: ISO
        assert model.index(0, Column.DUE).data() == "2026-04-09"
        assert "2026" in model.index(0, Column.DUE).data(Qt.ItemDataRole.ToolTipRole)
    finally:
        QLocale.setDefault(before)
