"""What the evidence panel shows: a viewer for a PDF, an image or a text, or a page (loading,
cannot show, what a file is and why it is not shown).

Each viewer is a `Viewer`, so the panel drives pages, zoom and fit the same way whatever the
kind and listens to `changed` to keep its bottom bar true. Content arrives already read
(images and text already decoded) from a worker thread: nothing here reads a file.

The parts live in their own modules (`viewer_base`, `pdf_view`, `image_view`, `text_view`,
`pages`); this one gathers them, so the panel and the tests import them from one place.
"""

from __future__ import annotations

from assessor.ui.evidence.image_view import ImageViewer
from assessor.ui.evidence.pages import InfoPage, MessagePage
from assessor.ui.evidence.pdf_view import PdfViewer
from assessor.ui.evidence.text_view import TEXT_LIMIT, CodeView, TextViewer, decode_text
from assessor.ui.evidence.viewer_base import MAX_ZOOM, MIN_ZOOM, ZOOM_STEP, Viewer

__all__ = [
    "MAX_ZOOM",
    "MIN_ZOOM",
    "TEXT_LIMIT",
    "ZOOM_STEP",
    "CodeView",
    "ImageViewer",
    "InfoPage",
    "MessagePage",
    "PdfViewer",
    "TextViewer",
    "Viewer",
    "decode_text",
]
