"""The console's two tables: the roster (check-in with identity method and time, where each
candidate is, outcome) and the session's log in sequence order (incidents with severity as
colour and word; a correction is a new entry naming the one it corrects)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from assessor.domain import exam as x
from assessor.services.exam_views import SessionView
from assessor.ui.sessions.severity import severity_colour, severity_label

ID_METHODS = {
    "passport": "Passport",
    "driving-licence": "Driving licence",
    "institution-card": "Institution card",
    "known": "Known to the proctor",
}
PRESENCE = {"check-in": "in the room", "entry": "in the room", "break-end": "in the room",
            "exit": "left the room", "break-start": "on a break"}  # fmt: skip


def _tr(text: str) -> str:
    return QCoreApplication.translate("SessionConsole", text)


def clock(stamp: str) -> str:
    """Time of day with seconds (order matters in a log), in the person's time zone."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    return moment.strftime("%H:%M:%S")


def presence(v: SessionView) -> dict[str, str]:
    """Where each candidate is, by the last movement the log has of them (in PRESENCE's words;
    none yet: not in the dict)."""
    where = {}
    for e in v.log:
        if e.kind in PRESENCE:
            for someone in e.candidates:
                where[someone] = PRESENCE[e.kind]
    return where


def _tree(name: str, headers: list[str], widths: dict[int, int]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setAccessibleName(name)
    tree.setHeaderLabels(headers)
    tree.header().setStretchLastSection(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in widths.items():
        tree.setColumnWidth(column, width)
    return tree


def roster_tree() -> QTreeWidget:
    return _tree(
        _tr("Roster"),
        [_tr("Candidate"), _tr("Name"), _tr("Checked in"), _tr("Where"), _tr("Outcome")],
        {0: 70, 1: 130, 2: 205, 3: 90},
    )


def log_tree() -> QTreeWidget:
    return _tree(
        _tr("Session log"),
        [_tr("#"), _tr("Time"), _tr("What"), _tr("Candidates"), _tr("Severity"), _tr("Text")],
        {0: 36, 1: 70, 2: 190, 3: 90, 4: 150},
    )


def fill_roster(tree: QTreeWidget, v: SessionView, current: str | None) -> None:
    """The roster of `v`, the cursor kept on `current` (else the first candidate)."""
    where = presence(v)
    tree.clear()
    for c in v.candidates:
        checked = (
            f"{_tr(ID_METHODS.get(c.id_method or '', c.id_method or ''))} · "
            f"{clock(c.checked_in_at)}"
            if c.checked_in_at
            else "—"
        )
        item = QTreeWidgetItem(
            [c.id, c.name, checked, _tr(where.get(c.id, "not here")), c.outcome or "—"]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, c.id)
        tree.addTopLevelItem(item)
        if c.id == current:
            tree.setCurrentItem(item)
    first = tree.topLevelItem(0)
    if tree.currentItem() is None and first is not None:
        tree.setCurrentItem(first)


def fill_log(tree: QTreeWidget, v: SessionView) -> None:
    """The log of `v` in sequence order, scrolled to its last entry."""
    tree.clear()
    for e in v.log:
        what = e.kind
        if e.kind == x.EntryKind.INCIDENT:
            what = _tr("incident: {0}").format(e.type)
            if e.corrects is not None:
                what = _tr("correction of #{0}: {1}").format(e.corrects, e.type)
        elif e.value:
            what = f"{e.kind}: {e.value}"
        notes = (("witness", e.witness), ("action", e.action), ("notified", e.notified))
        extra = [f"{k}: {said}" for k, said in notes if said]
        text = " · ".join([*([e.text] if e.text else []), *extra])
        if e.clock_back:
            text = _tr("⚠ clock went back · ") + text
        item = QTreeWidgetItem(
            [
                str(e.seq),
                clock(e.at),
                what,
                ", ".join(e.candidates) or _tr("whole room"),
                severity_label(e.severity) if e.severity else "",
                text,
            ]
        )
        if e.severity:
            item.setForeground(4, severity_colour(e.severity, tree.palette()))
            item.setToolTip(4, severity_label(e.severity))
        item.setToolTip(5, text)
        tree.addTopLevelItem(item)
    last = tree.topLevelItem(tree.topLevelItemCount() - 1)
    if last is not None:
        tree.scrollToItem(last)
