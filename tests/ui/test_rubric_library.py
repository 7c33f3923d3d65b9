"""The Rubric library: versions list, one version as a grid, two versions side by side."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from assessor.domain.errors import DomainError
from assessor.domain.rubric import Criterion, Level, PassRule, PassRuleKind, Rubric
from assessor.services import rubrics
from assessor.services.rubrics import RubricVersionInfo, diff_versions, import_rubric
from assessor.store.db import Database
from assessor.ui.rubric_view.grid import LevelRole, MarkRole, RubricGrid
from assessor.ui.rubrics import library as library_module
from assessor.ui.rubrics.diff import RubricDiffView
from assessor.ui.rubrics.library import RefRole, RubricLibrary
from assessor.ui.tasks import TaskRunner
from tests.conftest import levels, sample_rubric

pytestmark = pytest.mark.usefixtures("qapp")

WAIT_MS = 10_000


def _import(db: Database, rubric: Rubric, *, publish: bool = True) -> RubricVersionInfo:
    with db.write() as tx:
        return import_rubric(tx, rubric, source_format="test", actor="system", publish=publish)


def second_version() -> Rubric:
    """wiring v2: 'plan' removed, 'label' added, a weight, a descriptor and the pass mark
    changed, and a fifth level on 'terminate'."""
    old = sample_rubric()
    terminate = old.criterion("terminate")
    expert = Level("expert", "Expert", Decimal(5), "Teaches others to terminate safely.")
    competent = dataclasses.replace(terminate.levels[2], descriptor="Tight, no copper showing.")
    terminate = dataclasses.replace(
        terminate,
        weight=Decimal(3),
        levels=(*terminate.levels[:2], competent, terminate.levels[3], expert),
    )
    label = Criterion("label", "Label the circuit", levels((0, 1)), Decimal(1))
    criteria = (terminate, old.criterion("prove-dead"), old.criterion("record"), label)
    return dataclasses.replace(
        old, criteria=criteria, pass_rule=PassRule(PassRuleKind.PERCENTAGE, Decimal(65))
    )


@pytest.fixture
def stocked(db: Database) -> Database:
    """wiring v1 and v2 (published) and 'other' v1 (a draft)."""
    _import(db, sample_rubric())
    _import(db, second_version())
    _import(db, sample_rubric("other", "Another rubric"), publish=False)
    return db


@pytest.fixture
def library(qtbot: Any, stocked: Database) -> RubricLibrary:
    runner = TaskRunner(synchronous=True, db=stocked)
    widget = RubricLibrary(runner)
    runner.setParent(widget)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.refresh()
    return widget


def _texts(library: RubricLibrary) -> list[list[str]]:
    tree = library.tree
    rows = []
    for n in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(n)
        assert top is not None
        rows.append([top.text(0)])
        for c in range(top.childCount()):
            child = top.child(c)
            assert child is not None
            rows.append([child.text(col) for col in range(4)])
    return rows


def test_list_shows_every_rubric_and_version(library: RubricLibrary, stocked: Database) -> None:
    infos = rubrics.list_versions(stocked)
    assert [i.ref for i in library.versions] == [i.ref for i in infos]
    d = {i.ref: i.digest for i in infos}
    short = {ref: f"{digest[:3]}…{digest[-3:]}" for ref, digest in d.items()}
    rows = _texts(library)
    # The state column may add the date in the person's locale once versions carry one.
    states = [row.pop(2).split(" ")[0] for row in rows if len(row) == 4]
    assert rows == [
        ["Another rubric"],
        ["v1", "analytic", short["other@1"]],
        ["Wiring a ring final circuit"],
        ["v1", "analytic", short["wiring@1"]],
        ["v2", "analytic", short["wiring@2"]],
    ]
    assert states == ["Draft", "Published", "Published"]
    for ref, digest in d.items():
        item = library.version_item(ref)
        assert item is not None and item.toolTip(3) == digest
        assert item.data(0, RefRole) == ref
        assert digest in item.data(0, Qt.ItemDataRole.AccessibleTextRole)
    # The latest version of the first rubric is shown at once.
    assert library.current_ref == "other@1"
    assert library.stack.currentWidget() is library.grid
    assert library.grid.title.text() == "Another rubric"
    # A rubric's id opens its latest version, and the list follows.
    library.open_version("wiring")
    assert library.current_ref == "wiring@2"
    assert library.tree.currentItem() is library.version_item("wiring@2")
    assert library.heading.text() == "Version 2 of 2 (latest)"


def test_grid_has_a_row_per_criterion_and_a_column_per_level(qtbot: Any) -> None:
    grid = RubricGrid()
    qtbot.addWidget(grid)
    rubric = second_version()
    grid.set_rubric(rubric)
    model = grid.model
    widest = max(len(c.levels) for c in rubric.criteria)
    assert (model.rowCount(), model.columnCount()) == (len(rubric.criteria), 1 + widest)
    headers = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(1 + widest)]
    assert headers == ["Criterion", "Level 1", "Level 2", "Level 3", "Level 4", "Level 5"]

    def cell(row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.index(row, column).data(role)

    for row, criterion in enumerate(rubric.criteria):
        assert cell(row, 0).splitlines()[:2] == [
            f"{row + 1}  {criterion.title}",
            f"weight {criterion.weight}",
        ]
        for column in range(1, 1 + widest):
            if column <= len(criterion.levels):
                level = criterion.levels[column - 1]
                assert cell(row, column, LevelRole) == level
                assert cell(row, column).splitlines()[0] == level.title
            else:  # fewer levels than the widest criterion: a blank cell, not selectable
                assert cell(row, column) is None
                flags = model.flags(model.index(row, column))
                assert not flags & Qt.ItemFlag.ItemIsSelectable
                assert cell(row, column, Qt.ItemDataRole.AccessibleTextRole) == (
                    f"{criterion.title}: no level {column}"
                )
    terminate, record, label = 0, 2, 3
    assert cell(terminate, 3).splitlines() == ["Competent", "2 points", "Tight, no copper showing."]
    assert cell(terminate, 5).splitlines()[1] == "5 points"
    assert cell(record, 2).splitlines()[:2] == ["Partial", "1–2.5 points"]
    assert cell(label, 2).splitlines()[:2] == ["Developing", "1 point"]
    assert cell(label, 3) is None


def test_critical_marker_pass_rule_and_bands(qtbot: Any) -> None:
    grid = RubricGrid()
    qtbot.addWidget(grid)
    rubric = sample_rubric()
    grid.set_rubric(rubric)
    lines = [grid.model.index(row, 0).data().splitlines() for row in range(4)]
    assert lines[2] == ["3  Prove dead", "weight 3", "CRITICAL ≥ Competent"]
    assert not any("CRITICAL" in line for n in (0, 1, 3) for line in lines[n])
    assert grid.model.index(2, 3).data().splitlines()[1] == "2 points · minimum to pass"
    assert "Pass at 60 %" in grid.summary.text()
    assert "maximum 22.5 points" in grid.summary.text()
    assert grid.bands.text() == "Bands: Pass; Merit (≥ 80 %)"

    by_points = dataclasses.replace(rubric, pass_rule=PassRule(PassRuleKind.POINTS, Decimal(12)))
    grid.set_rubric(by_points)
    assert "Pass at 12 points" in grid.summary.text()


def test_diff_lists_the_service_changes_and_marks_them(
    library: RubricLibrary, stocked: Database
) -> None:
    library.open_version("wiring@2")
    assert library.compare_with.currentData() == "wiring@1"
    library.compare()
    assert library.comparing == ("wiring@1", "wiring@2")  # older left, whichever was chosen
    assert library.stack.currentWidget() is library.diff
    assert not library.tree.isVisibleTo(library)

    expected = diff_versions(stocked, "wiring@1", "wiring@2")
    assert library.diff.changes == expected
    listed = library.diff.change_list
    words = {"added": "+ added", "removed": "− removed", "changed": "~ changed"}
    assert [
        (listed.topLevelItem(n).text(0), listed.topLevelItem(n).text(1))  # type: ignore[union-attr]
        for n in range(listed.topLevelItemCount())
    ] == [(words[c.kind], c.describe()) for c in expected]

    left, right = library.diff.left.model, library.diff.right.model

    def mark(model: Any, criterion_id: str, column: int = 0) -> Any:
        return model.index(model.row_of(criterion_id), column).data(MarkRole)

    assert mark(left, "plan") == "removed" and right.row_of("plan") is None
    assert mark(right, "label") == "added" and left.row_of("label") is None
    assert mark(left, "terminate") == mark(right, "terminate") == "changed"  # weight
    assert mark(left, "terminate", 3) == mark(right, "terminate", 3) == "changed"  # descriptor
    assert mark(right, "terminate", 5) == "added"  # the new fifth level
    assert mark(left, "prove-dead") is None and mark(right, "record", 2) is None
    # Never colour alone: the word is in the cell, and the pass mark in the header.
    row = right.row_of("label")
    assert right.index(row, 0).data().startswith("+ added\n")
    assert right.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert library.diff.right.header_marks.text() == "~ changed: pass rule"

    # Choosing a change in the list brings its criterion into view on both sides.
    def choose(word: str) -> None:
        item = next(
            listed.topLevelItem(n)
            for n in range(listed.topLevelItemCount())
            if word in listed.topLevelItem(n).text(1)  # type: ignore[union-attr]
        )
        listed.setCurrentItem(item)

    choose("criterion 'label'")
    assert library.diff.right.table.currentIndex().row() == right.row_of("label")
    choose("level 'expert'")
    assert library.diff.left.table.currentIndex().row() == left.row_of("terminate")
    assert library.diff.right.table.currentIndex().row() == right.row_of("terminate")

    library.leave_compare()
    assert library.comparing is None and library.stack.currentWidget() is library.grid
    assert library.tree.isVisibleTo(library)


def test_the_same_version_twice_says_so(library: RubricLibrary, stocked: Database) -> None:
    library.open_version("wiring@1")
    library.compare("wiring@1")  # comparing a version with itself is not offered
    assert library.comparing is None
    # A rubric with a single version has nothing to compare with.
    library.open_version("other@1")
    assert library.compare_with.count() == 0
    assert not library.compare_button.isEnabled()
    library.compare()
    assert library.comparing is None


def test_keyboard_reaches_the_list_moves_and_compares(
    qtbot: Any, library: RubricLibrary, stocked: Database
) -> None:
    _import(stocked, dataclasses.replace(second_version(), title="Wiring (2027)"))  # v3
    library.refresh()
    library.show()
    qtbot.waitExposed(library)
    library.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is library, timeout=WAIT_MS)
    library.setFocus()  # the screen's focus goes to its list
    assert library.tree.hasFocus()
    library.grid.table.setFocus()
    qtbot.keyClick(library.grid.table, Qt.Key.Key_Backtab)  # "Compare" is off for other@1
    assert library.tree.hasFocus()
    assert library.current_ref == "other@1"

    for key, ref in [
        (Qt.Key.Key_Down, "wiring@3"),  # the rubric's own row shows its latest version
        (Qt.Key.Key_Down, "wiring@1"),
        (Qt.Key.Key_Down, "wiring@2"),
        (Qt.Key.Key_Up, "wiring@1"),
    ]:
        qtbot.keyClick(library.tree, key)
        assert library.current_ref == ref
        assert library.grid.summary.text().startswith(f"Analytic · v{ref[-1]} ·")
    assert library.compare_with.currentData() == "wiring@2"

    qtbot.keyClick(library.tree, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert library.comparing == ("wiring@1", "wiring@2")
    assert library.diff.change_list.hasFocus()  # the list of changes comes first
    qtbot.keyClick(library.diff.change_list, Qt.Key.Key_Escape)
    assert library.comparing is None
    assert library.tree.hasFocus() and library.current_ref == "wiring@1"

    # "Compare with" by its mnemonic; choosing another version with the arrows compares at once.
    qtbot.keyClick(library.tree, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert library.compare_with.hasFocus()
    qtbot.keyClick(library.compare_with, Qt.Key.Key_Down)
    assert library.compare_with.currentData() == "wiring@3"
    assert library.comparing == ("wiring@1", "wiring@3")
    assert library.compare_with.hasFocus()  # still choosing: focus stays put
    qtbot.keyClick(library.compare_with, Qt.Key.Key_Escape)
    assert library.comparing is None


def test_an_empty_library_says_how_to_fill_it(qtbot: Any, db: Database) -> None:
    widget = RubricLibrary(TaskRunner(synchronous=True, db=db))
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.tree.topLevelItemCount() == 0
    assert widget.stack.currentWidget() is widget.message
    assert "assessor rubric import" in widget.message.text()
    assert not widget.compare_button.isEnabled()


def test_a_failed_load_says_what_to_do(
    qtbot: Any, stocked: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(db: Database) -> list[RubricVersionInfo]:
        raise DomainError("the data folder is locked")

    monkeypatch.setattr(library_module, "list_versions", broken)
    widget = RubricLibrary(TaskRunner(synchronous=True, db=stocked))
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.status.isVisibleTo(widget)
    assert widget.status.text() == (
        "Could not load the rubric list: the data folder is locked. "
        "Nothing was changed. Press F5 to try again."
    )
    monkeypatch.undo()
    widget.refresh()
    assert not widget.status.isVisibleTo(widget)
    assert widget.tree.topLevelItemCount() == 2


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    tasks = TaskRunner(parallel_workers=2)
    try:
        yield tasks
    finally:
        assert tasks.shutdown(timeout=10)


def test_reads_run_on_the_runner_not_the_gui_thread(
    qtbot: Any, stocked: Database, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, list[threading.Thread]] = {}

    def recorded(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            threads.setdefault(name, []).append(threading.current_thread())
            return fn(*args)

        return call

    for name in ("list_versions", "show_version", "compare_versions"):
        monkeypatch.setattr(library_module, name, recorded(name, getattr(library_module, name)))
    runner.attach(stocked)
    widget = RubricLibrary(runner)
    qtbot.addWidget(widget)
    widget.refresh()
    assert widget.tree.topLevelItemCount() == 0  # nothing happened on the GUI thread
    qtbot.waitUntil(lambda: widget.grid.model.rubric is not None, timeout=WAIT_MS)
    assert widget.tree.topLevelItemCount() == 2

    widget.open_version("wiring@2")
    qtbot.waitUntil(lambda: widget.grid.model.rubric == second_version(), timeout=WAIT_MS)
    widget.compare()
    qtbot.waitUntil(lambda: widget.comparing is not None, timeout=WAIT_MS)
    assert widget.diff.changes == diff_versions(stocked, "wiring@1", "wiring@2")

    assert set(threads) == {"list_versions", "show_version", "compare_versions"}
    worker_threads = {t for ts in threads.values() for t in ts}
    assert threading.main_thread() not in worker_threads
    assert worker_threads <= set(runner.threads())


def test_the_comparison_shows_old_and_new_values_whole(qtbot: Any, db: Database) -> None:
    """The change list's sentence shortens long values; the chosen change's old and new
    values are shown whole beside each other, wrapped, never elided."""
    old = sample_rubric()
    long_before = "Checks the route against the drawings. " * 8
    long_after = "Checks the route against the drawings and marks every joint box. " * 8
    plan = old.criterion("plan")
    before = dataclasses.replace(
        old,
        criteria=(
            dataclasses.replace(
                plan,
                levels=(
                    dataclasses.replace(plan.levels[0], descriptor=long_before),
                    *plan.levels[1:],
                ),
            ),
            *old.criteria[1:],
        ),
    )
    after = dataclasses.replace(
        before,
        criteria=(
            dataclasses.replace(
                plan,
                levels=(
                    dataclasses.replace(plan.levels[0], descriptor=long_after),
                    *plan.levels[1:],
                ),
            ),
            *old.criteria[1:],
        ),
    )
    _import(db, before)
    _import(db, after)
    view = RubricDiffView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    changes = diff_versions(db, "wiring@1", "wiring@2")
    view.show_diff(
        rubrics.show_version(db, "wiring@1"), rubrics.show_version(db, "wiring@2"), changes
    )
    assert len(changes) == 1 and "…" in changes[0].describe()  # the sentence shortens them
    assert view.values.isVisible()
    change = changes[0]
    assert change.before is not None and change.before.strip() == long_before.strip()
    assert change.after is not None and change.after.strip() == long_after.strip()
    assert view.values.before.text() == change.before
    assert view.values.after.text() == change.after
    for label in (view.values.before, view.values.after):
        assert label.wordWrap() and label.width() < 900
    assert view.change_list.wordWrap()
    assert view.change_list.textElideMode() == Qt.TextElideMode.ElideNone
