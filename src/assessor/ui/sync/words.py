"""The sync's state in the person's words: one line for the status bar, and the words for
each outbox state, flag and credential status (UI.md "States and colours")."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from assessor.ui.dates import short_date_time
from assessor.ui.sync.controller import STEP_WORDS, Snapshot


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sync", text)


# outbox state → (symbol, word, colour name or None). Never colour alone.
OUTBOX = {
    "pending": ("○", "Waiting", None),
    "acknowledged": ("✓", "Synced", "green"),
    "rejected": ("✕", "Rejected by backend", "red"),
    "conflict": ("⚠", "Conflict — flagged for review", "amber"),
}
FLAGS = {
    "withdrawn": "Withdrawn by the backend",
    "reassigned": "Reassigned to someone else",
    "conflict": "Conflict",
    "rubric": "Rubric refused",
}
KINDS = {
    "ArtifactAssessmentRecord": "Assessment",
    "ProjectSignOffRecord": "Sign-off",
    "ExamSessionRecord": "Exam session",
    "ExamSessionAmendmentRecord": "Exam session amendment",
}


def local_time(at: datetime, *, seconds: bool = False) -> str:
    shown = QDateTime.fromSecsSinceEpoch(int(at.timestamp())).toLocalTime()
    return QLocale().toString(shown.time(), "HH:mm:ss" if seconds else "HH:mm")


def ago(at: datetime | None, now: datetime) -> str:
    if at is None:
        return _tr("never synced")
    minutes = int((now - at).total_seconds() // 60)
    if minutes < 1:
        return _tr("last sync just now")
    if minutes < 60:
        return _tr("last sync {0} min ago").format(minutes)
    if minutes < 24 * 60:
        return _tr("last sync {0} h ago").format(minutes // 60)
    return _tr("last sync {0}").format(short_date_time(at))


def step_words(state: Snapshot) -> str:
    step = _tr(STEP_WORDS.get(state.step, "Syncing"))
    if state.total:
        return f"{step} {state.done}/{state.total}…"
    return f"{step}…"


def state_words(state: Snapshot) -> str:
    """Online, offline (and why), syncing, or why there is no sync at all."""
    last = state.last
    if state.running:
        return step_words(state) if state.step else _tr("Syncing…")
    if state.enrolment is None:
        return state.problem or _tr("Offline — not enrolled with a backend (File ▸ Enrol)")
    if state.problem:
        return _tr("Sync failed: {0}").format(state.problem)
    if last is None:
        return _tr("Not synced yet")
    if last.offline:
        return _tr("Offline: {0}").format(last.error)
    if last.error:
        return _tr("Sync failed: {0}").format(last.error)
    return _tr("Online")


def status_line(state: Snapshot, waiting: int, now: datetime) -> str:
    records = (
        _tr("1 record waiting") if waiting == 1 else _tr("{0} records waiting").format(waiting)
    )
    parts = [state_words(state), records, ago(state.last_at, now)]
    failing = state.problem or (state.last is not None and not state.last.ok)
    if failing and state.next_at is not None and state.enrolment is not None:
        parts.append(_tr("trying again at {0}").format(local_time(state.next_at)))
    return " · ".join(parts)


def summary(state: Snapshot) -> str:
    """What the last round did, in one sentence."""
    last = state.last
    if last is None or state.last_at is None:
        return ""
    pushed, pulled = last.pushed, last.pulled
    text = _tr(
        "Last round at {0}: sent {1} accepted, {2} already there, {3} rejected, {4} in"
        " conflict, {5} later; received {6} submission(s), {7} rubric version(s),"
        " {8} credential change(s)."
    ).format(
        local_time(state.last_at, seconds=True), pushed.accepted, pushed.duplicate,
        pushed.rejected, pushed.conflict, pushed.deferred, pulled.submissions,
        pulled.rubrics, pulled.credentials,
    )  # fmt: skip
    return text
