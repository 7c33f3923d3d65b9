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
from assessor.ui.scoring.viewers import decode_text

log = logging.getLogger("assessor.ui.scoring.evidence")  # the panel's log, as it always was


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidencePanel", text)


def prepare(read: Callable[[ArtifactInfo], bytes], artifact: ArtifactInfo) -> Any:
    """On a worker thread: the bytes, and for images and text what the viewer shows."""
    data = read(artifact)
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
