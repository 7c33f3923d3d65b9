"""The evidence panel's work off the GUI thread, and how it hears back: a file's bytes read and
decoded on a worker, failures put in words, callbacks that hold the panel weakly."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage

from assessor.services.workspace import ArtifactInfo
from assessor.ui import errors
from assessor.ui.evidence.viewers import decode_text

log = logging.getLogger("assessor.ui.evidence.panel")  # the panel's log, as it always was


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidencePanel", text)


def prepare(db: Any, read: Callable[[Any, ArtifactInfo], bytes], artifact: ArtifactInfo) -> Any:
    """On a worker thread: the bytes, and for images and text what the viewer shows."""
    data = read(db, artifact)
    if artifact.kind == "image":
        image = QImage.fromData(data)
        if image.isNull():
            raise ValueError(_tr("the image could not be decoded"))
        return image
    if artifact.kind == "text":
        summary = artifact.preview.summary if artifact.preview is not None else None
        encoding = (summary or {}).get("encoding")
        return decode_text(data, encoding if isinstance(encoding, str) else None)
    return data


# The store's copy is not what was received: trying again cannot help. (A missing copy may
# come back, say with a remounted drive, so that one keeps "Try again".)
INTEGRITY = ("blob-corrupt",)

_ERROR_WORDS = {
    "blob-missing": "its stored copy is missing from the data folder",
    "blob-corrupt": "its stored copy has changed since it was received",
}


def in_words(exc: BaseException) -> str:
    """What went wrong, in words. The traceback is logged, then dropped: in synchronous mode
    its frames include the panel's own, and a panel held by such a cycle is deleted whenever
    the collector runs, possibly while it is being painted."""
    code = getattr(exc, "code", None)
    words = (
        _tr(_ERROR_WORDS[code])
        if isinstance(code, str) and code in _ERROR_WORDS
        else errors.in_words(exc, what="evidence")
    )
    exc.__traceback__ = None
    return words


def weakly(method: Callable[..., None], *first: Any) -> Callable[[Any], None]:
    """`method(*first, value)`, holding the panel weakly. A task keeps its callbacks, and a
    failed task's traceback keeps the task: a strong hold would put a top-level panel in a
    cycle that the collector may delete in the middle of painting it."""
    ref = weakref.WeakMethod(method)

    def call(value: Any) -> None:
        target = ref()
        if target is not None:
            target(*first, value)

    return call


def _short(sha256: str) -> str:
    return f"{sha256[:8]}…{sha256[-4:]}" if len(sha256) > 12 else sha256


def integrity_alarm(
    artifact: ArtifactInfo, actual: str | None, signed: str | None
) -> tuple[str, str, str]:
    """Title, what changed, and what to do, for a file whose stored copy is not the one
    received. `actual`: what it hashes to now; `signed`: None while the result is unsigned."""
    name, digest = artifact.name, _short(artifact.sha256)
    title = _tr("“{name}” has changed since it was received").format(name=name)
    changed = _tr(
        "Its stored copy no longer matches the SHA-256 digest it had when it was received"
        " ({digest}); it now hashes to {actual}."
    ).format(digest=digest, actual=_short(actual) if actual else _tr("something else"))
    if signed is not None:
        record = _tr(" ({record})").format(record=_short(signed)) if signed else ""
        held = _tr(
            "The signed record of this result{record} still holds the original digest: the"
            " record is intact, and it shows this is not the file that was assessed."
        ).format(record=record)
        todo = _tr(
            "Do not rely on what this file would show now. Restore the data folder from a"
            " backup, then run “assessor verify” to check every record and file. If you"
            " cannot, tell whoever looks after this computer: someone may have changed it."
        )
    else:
        held = _tr("Nothing shows the changed file: it is not what the learner sent.")
        todo = _tr(
            "Restore the data folder from a backup, then run “assessor verify”. Your scores"
            " are safe; do not score from this file until it is restored."
        )
    return title, f"{changed}\n{held}", todo
