"""The Rubric library screen: rubrics and their versions on the left, the chosen version as a
criteria × levels grid on the right, and two versions compared side by side.

Every database read runs on the task runner's parallel lane; each kind of request has its own
key, so a newer selection cancels the older one and a late answer never overwrites it.

Keys: arrows move through the versions, Ctrl+D compares the chosen version with the one in
"Compare with" (Alt+W reaches that list), Esc leaves the comparison, F5 reloads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.services.rubrics import RubricVersionInfo, list_versions, show_version
from assessor.ui.errors import in_words
from assessor.ui.rubric_view.grid import RubricGrid, short_digest, tint
from assessor.ui.rubrics.diff import Compared, RubricDiffView, Shown, compare_versions
from assessor.ui.rubrics.versions import RefRole, rubric_item, version_tree
from assessor.ui.tasks import TaskRunner
from assessor.ui.theme import RED

__all__ = ["RefRole", "RubricLibrary"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricLibrary", text)


class RubricLibrary(QWidget):
    """Rubrics and versions (left); the chosen version or a comparison (right)."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        runner.changed.connect(self._data_changed)
        self._key = f"rubric-library-{id(self)}"
        self._versions: list[RubricVersionInfo] = []
        self._items: dict[str, QTreeWidgetItem] = {}  # ref → its row in the list
        self._loaded = False
        self._current: str | None = None  # ref of the version on the right
        self._comparing: tuple[str, str] | None = None

        self.tree = version_tree(self)
        self.tree.currentItemChanged.connect(self._chosen)

        self.heading = QLabel(_tr("No rubric chosen"), self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.compare_with = QComboBox(self)
        self.compare_with.setAccessibleName(_tr("Compare with version"))
        self.compare_with.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.compare_with.setMinimumContentsLength(16)
        self.compare_with.activated.connect(lambda _index: self.compare())
        compare_label = QLabel(_tr("Compare &with:"), self)
        compare_label.setBuddy(self.compare_with)
        self.compare_button = QPushButton(_tr("&Compare…"), self)
        self.compare_button.setToolTip(_tr("Compare the two versions side by side (Ctrl+D)"))
        self.compare_button.setAccessibleName(_tr("Compare versions"))
        self.compare_button.clicked.connect(lambda: self.compare())
        self.back_button = QPushButton(_tr("&Back to the version"), self)
        self.back_button.setToolTip(_tr("Leave the comparison (Esc)"))
        self.back_button.setAccessibleName(_tr("Back to the version"))
        self.back_button.clicked.connect(self.leave_compare)
        self.back_button.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.heading, 1)
        bar.addWidget(compare_label)
        bar.addWidget(self.compare_with)
        bar.addWidget(self.compare_button)
        bar.addWidget(self.back_button)

        self.status = QLabel(self)  # loading and errors; hidden when there is nothing to say
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setAutoFillBackground(True)
        self.status.setContentsMargins(6, 4, 6, 4)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        self.grid = RubricGrid(self)
        self.diff = RubricDiffView(self)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack = QStackedWidget(self)
        for page in (self.message, self.grid, self.diff):
            self.stack.addWidget(page)

        right = QWidget(self)
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addLayout(bar)
        right_box.addWidget(self.status)
        right_box.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([440, 920])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        # A fixed floor, so the window's minimum does not jump when comparing hides the list.
        self.setMinimumSize(720, 420)
        for first, second in [
            (self.tree, self.compare_with),
            (self.compare_with, self.compare_button),
            (self.compare_button, self.back_button),
            (self.back_button, self.diff.change_list),
            (self.diff.change_list, self.grid.table),
            (self.grid.table, self.diff.left.table),
            (self.diff.left.table, self.diff.right.table),
        ]:
            QWidget.setTabOrder(first, second)

        self.compare_shortcut = self._shortcut(QKeySequence("Ctrl+D"), self.compare)
        self.back_shortcut = self._shortcut(QKeySequence(Qt.Key.Key_Escape), self.leave_compare)
        self.back_shortcut.setEnabled(False)
        self._shortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self.refresh)
        self.setAccessibleName(_tr("Rubric library"))
        self.setFocusProxy(self.tree)
        self._show_message(_tr("Loading rubrics…"))
        self._update_compare_controls()

    def _shortcut(self, keys: QKeySequence, slot: Callable[[], None]) -> QShortcut:
        # Only while focus is inside this screen: other screens may use the same keys.
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    # Loading -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def _data_changed(self, changes: frozenset[str]) -> None:
        """Rubrics changed somewhere: reload now if on screen, else when next shown."""
        if Change.RUBRICS not in changes:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._loaded = False

    def refresh(self) -> None:
        """Reload the list of rubrics and versions (on the parallel lane)."""
        self._loaded = True
        self._say(_tr("Loading rubrics…"))
        self._runner.read(
            list_versions,
            on_done=self._listed,
            on_error=lambda exc: self._failed(_tr("Could not load the rubric list"), exc),
            key=f"{self._key}:list",
        )

    @property
    def versions(self) -> list[RubricVersionInfo]:
        return list(self._versions)

    @property
    def current_ref(self) -> str | None:
        return self._current

    @property
    def comparing(self) -> tuple[str, str] | None:
        """(older ref, newer ref) while a comparison is shown."""
        return self._comparing

    def _listed(self, versions: Sequence[RubricVersionInfo]) -> None:
        self._say(None)
        self._versions = list(versions)
        keep = self._current
        self.tree.blockSignals(True)
        self.tree.clear()
        by_rubric: dict[str, list[RubricVersionInfo]] = {}
        for info in self._versions:
            by_rubric.setdefault(info.id, []).append(info)
        self._items.clear()
        for rubric_id, infos in by_rubric.items():
            self.tree.addTopLevelItem(rubric_item(rubric_id, infos, self._items))
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if not self._versions:
            self._current = None
            self.heading.setText(_tr("No rubrics yet"))
            self._show_message(
                _tr("No rubrics yet. Import one with “assessor rubric import FILE”.")
            )
            self._update_compare_controls()
            return
        # The version shown before, else the latest version of the first rubric.
        first = self._items[by_rubric[self._versions[0].id][-1].ref]
        self.tree.setCurrentItem(self._items.get(keep or "", first))

    def version_item(self, ref: str) -> QTreeWidgetItem | None:
        """The list's row for version `ref` ("id@n")."""
        return self._items.get(ref)

    # Showing one version -----------------------------------------------------------------

    def _chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        ref = item.data(0, RefRole) if item is not None else None
        if not ref:
            return
        self.open_version(ref)

    def open_version(self, ref: str) -> None:
        """Load version `ref` ("id@n", or "id" for its latest) into the grid; leaves any
        comparison."""
        latest = [i.ref for i in self._versions if i.id == ref]
        ref = latest[-1] if latest else ref
        self._current = ref
        item, current = self._items.get(ref), self.tree.currentItem()
        if item is not None and (current is None or current.data(0, RefRole) != ref):
            self.tree.blockSignals(True)  # the list follows; it is not a new choice
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)
        self._set_comparing(None)
        self._fill_compare_with(ref)
        self._runner.read(
            show_version,
            ref,
            on_done=self._shown,
            on_error=lambda exc: self._failed(_tr("Could not open {}").format(ref), exc),
            key=f"{self._key}:show",
        )

    def _shown(self, shown: Shown) -> None:
        info, rubric = shown
        self._say(None)
        self.heading.setText(self._version_heading(info))
        self.grid.set_rubric(rubric, info)
        if self._comparing is None:
            self.stack.setCurrentWidget(self.grid)

    def _version_heading(self, info: RubricVersionInfo) -> str:
        """ "Version 2 of 3", so the person knows whether this is the latest."""
        count = sum(i.id == info.id for i in self._versions)
        latest = count and max(i.version for i in self._versions if i.id == info.id)
        text = _tr("Version {} of {}").format(info.version, max(count, info.version))
        return text + (" " + _tr("(latest)") if info.version == latest and count > 1 else "")

    # Comparing ---------------------------------------------------------------------------

    def _info(self, ref: str) -> RubricVersionInfo | None:
        return next((i for i in self._versions if i.ref == ref), None)

    def _fill_compare_with(self, ref: str) -> None:
        """The other versions of the same rubric; the one just before is the default."""
        chosen = self._info(ref)
        self.compare_with.clear()
        if chosen is None:
            self._update_compare_controls()
            return
        others = [i for i in self._versions if i.id == chosen.id and i.ref != ref]
        for info in others:
            self.compare_with.addItem(f"v{info.version}  {short_digest(info.digest)}", info.ref)
        before = [n for n, i in enumerate(others) if i.version < chosen.version]
        if others:
            self.compare_with.setCurrentIndex(before[-1] if before else 0)
        self._update_compare_controls()

    def _update_compare_controls(self) -> None:
        possible = self.compare_with.count() > 0
        self.compare_with.setEnabled(possible)
        self.compare_button.setEnabled(possible)
        if not possible and self._current is not None:
            self.compare_with.setPlaceholderText(_tr("no other version"))

    def compare(self, other_ref: str | None = None) -> None:
        """Compare the chosen version with `other_ref` (default: the one in "Compare with"),
        the older on the left."""
        other_ref = other_ref or self.compare_with.currentData()
        if self._current is None or not other_ref or other_ref == self._current:
            return

        def version_of(ref: str) -> int:
            info = self._info(ref)
            return info.version if info is not None else 0

        older, newer = sorted((self._current, other_ref), key=version_of)
        self._say(_tr("Comparing…"))
        self._runner.read(
            compare_versions,
            older,
            newer,
            on_done=self._compared,
            on_error=lambda exc: self._failed(_tr("Could not compare the versions"), exc),
            key=f"{self._key}:compare",
        )

    def _compared(self, compared: Compared) -> None:
        older, newer, changes = compared
        choosing = self.compare_with.hasFocus()  # arrowing through "Compare with" goes on
        self._say(None)
        self.diff.show_diff(older, newer, changes)
        self._set_comparing((older[0].ref, newer[0].ref))
        title = older[1].title if older[1].title == newer[1].title else newer[1].title
        self.heading.setText(
            _tr("{} — v{} compared with v{}").format(title, older[0].version, newer[0].version)
        )
        if not choosing:
            self.diff.change_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def leave_compare(self) -> None:
        """Back to the chosen version, with the library list in view again."""
        if self._comparing is None:
            return
        self._set_comparing(None)
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _set_comparing(self, pair: tuple[str, str] | None) -> None:
        self._comparing = pair
        # Comparing hides the list: two grids side by side need the whole width.
        self.tree.setVisible(pair is None)
        self.back_button.setVisible(pair is not None)
        self.back_shortcut.setEnabled(pair is not None)
        if pair is not None:
            self.stack.setCurrentWidget(self.diff)
        elif self.grid.model.rubric is not None:
            self.stack.setCurrentWidget(self.grid)
            info = self._info(self._current or "")
            if info is not None:
                self.heading.setText(self._version_heading(info))

    # Messages ----------------------------------------------------------------------------

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def _say(self, text: str | None, *, error: bool = False) -> None:
        palette = self.status.palette()
        background = tint(RED, palette) if error else palette.color(QPalette.ColorRole.Window)
        palette.setColor(QPalette.ColorRole.Window, background)
        self.status.setPalette(palette)
        self.status.setText(text or "")
        self.status.setVisible(bool(text))

    def _failed(self, what: str, exc: BaseException) -> None:
        reason = in_words(exc, what=what).rstrip(".")
        self._say(
            _tr("{}: {}. Nothing was changed. Press F5 to try again.").format(what, reason),
            error=True,
        )
        if self.stack.currentWidget() is self.message:
            self._show_message(_tr("Nothing to show."))
