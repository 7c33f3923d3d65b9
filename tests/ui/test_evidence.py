"""The evidence panel over a real demo data folder: PDF, image and text viewers, the details
page for what is not shown, read errors, opening a copy outside the app, and loads that are
overtaken by a newer choice."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QFontInfo
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGraphicsView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTreeWidget,
)

from assessor.demo import DEMO_ASSESSOR, write_demo
from assessor.services.preview import Preview
from assessor.services.profiles import list_profiles
from assessor.services.submissions import QueueFilter, list_submissions
from assessor.services.workspace import (
    ArtifactInfo,
    copy_for_viewer,
    open_workspace,
    read_artifact,
)
from assessor.store.db import Database
from assessor.store.errors import BlobCorrupt, BlobMissing
from assessor.ui.evidence.panel import EvidencePanel
from assessor.ui.evidence.viewers import TEXT_LIMIT, CodeView, decode_text
from assessor.ui.tasks import TaskRunner

pytestmark = pytest.mark.usefixtures("qapp")

WAIT_MS = 10_000


@dataclass(frozen=True)
class Demo:
    db: Database
    artifacts: tuple[ArtifactInfo, ...]  # a submission with a PDF, an image and a text

    def of_kind(self, kind: str) -> ArtifactInfo:
        return next(a for a in self.artifacts if a.kind == kind)

    def read(self, artifact: ArtifactInfo) -> bytes:
        return read_artifact(self.db, artifact.sha256)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, kdf_cost=(1, 1, 8))
    with Database.open(folder) as db:
        me = next(p.id for p in list_profiles(db) if p.name == DEMO_ASSESSOR)
        for row in list_submissions(db, QueueFilter(), limit=100, offset=0, assessor_id=me):
            artifacts = open_workspace(db, row.id, me).artifacts
            if {"pdf", "image", "text"} <= {a.kind for a in artifacts}:
                yield Demo(db, artifacts)
                return
        pytest.fail("the demo has no submission with a PDF, an image and a text")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner(parallel_workers=4)
    try:
        yield tasks
    finally:
        assert tasks.shutdown(timeout=10)


def as_operations(
    runner: TaskRunner,
    read: Callable[[ArtifactInfo], bytes],
    copy_out: Callable[[ArtifactInfo], Path],
) -> tuple[Callable[[Any, ArtifactInfo], bytes], Callable[[Any, ArtifactInfo], Path]]:
    """The panel's operations are given the runner's database; these tests' reads bring
    their own (the demo's, or none), so the runner holds a stand-in."""
    if not runner.attached:
        runner.attach(NO_DATABASE)

    def read_op(db: Any, artifact: ArtifactInfo) -> bytes:
        assert db is NO_DATABASE
        return read(artifact)

    def copy_op(db: Any, artifact: ArtifactInfo) -> Path:
        assert db is NO_DATABASE
        return copy_out(artifact)

    return read_op, copy_op


NO_DATABASE = object()


def make_panel(
    qtbot: Any,
    runner: TaskRunner,
    read: Callable[[ArtifactInfo], bytes],
    copy_out: Callable[[ArtifactInfo], Path] | None = None,
) -> EvidencePanel:
    def no_copy(artifact: ArtifactInfo) -> Path:
        raise AssertionError("nothing should be copied out")

    panel = EvidencePanel(runner, *as_operations(runner, read, copy_out or no_copy))
    qtbot.addWidget(panel)
    panel.resize(620, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def show(qtbot: Any, panel: EvidencePanel, artifacts: list[ArtifactInfo]) -> ArtifactInfo:
    with qtbot.waitSignal(panel.loaded, timeout=WAIT_MS) as blocker:
        panel.set_artifacts(artifacts)
    assert isinstance(blocker.args[0], ArtifactInfo)
    return blocker.args[0]


def step(qtbot: Any, panel: EvidencePanel, action: Callable[[], None]) -> ArtifactInfo:
    with qtbot.waitSignal(panel.loaded, timeout=WAIT_MS) as blocker:
        action()
    assert isinstance(blocker.args[0], ArtifactInfo)
    return blocker.args[0]


def shown_text(panel: EvidencePanel) -> str:
    return "\n".join(label.text() for label in panel.findChildren(QLabel) if label.isVisible())


def button(panel: EvidencePanel, name: str) -> QAbstractButton:
    found = [
        b
        for b in panel.findChildren(QAbstractButton)
        if b.accessibleName() == name and b.isVisible()
    ]
    assert len(found) == 1, f"{len(found)} visible buttons named {name!r}"
    return found[0]


def never_read(artifact: ArtifactInfo) -> bytes:
    raise AssertionError(f"{artifact.name} should not have been read")


# -- the list ---------------------------------------------------------------------------


def test_list_names_each_file_with_pages_or_size_and_opens_the_first(
    qtbot: Any, demo: Demo
) -> None:
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    first = show(qtbot, panel, list(demo.artifacts))

    assert first == demo.artifacts[0] == panel.current_artifact()
    files = panel.findChild(QTreeWidget)
    assert files is not None and files.accessibleName() == "Evidence files"
    rows = [files.topLevelItem(n) for n in range(files.topLevelItemCount())]
    assert [r.text(0) for r in rows if r is not None] == [a.name for a in demo.artifacts]
    for row, artifact in zip(rows, demo.artifacts, strict=True):
        assert row is not None
        if artifact.kind == "pdf":
            assert row.text(1) == f"{artifact.pages} p"
        else:
            assert row.text(1).endswith("B")  # a size: "2.8 kB"
    assert f"{len(demo.artifacts)} files" in shown_text(panel)


def test_next_and_previous_artifact_walk_the_list_and_stop_at_its_ends(
    qtbot: Any, demo: Demo
) -> None:
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    show(qtbot, panel, list(demo.artifacts))
    panel.previous_artifact()
    assert panel.current_artifact() == demo.artifacts[0]
    for expected in demo.artifacts[1:]:
        assert step(qtbot, panel, panel.next_artifact) == expected
    panel.next_artifact()
    assert panel.current_artifact() == demo.artifacts[-1]
    assert step(qtbot, panel, panel.previous_artifact) == demo.artifacts[-2]


def test_clear_and_a_submission_without_files(qtbot: Any, demo: Demo) -> None:
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    show(qtbot, panel, list(demo.artifacts))
    panel.clear()
    assert panel.current_artifact() is None
    assert panel.page_count() == 0
    panel.set_artifacts([])
    assert "This submission has no files." in shown_text(panel)
    panel.next_artifact()  # nothing to move to: no error
    assert panel.current_artifact() is None


# -- PDF --------------------------------------------------------------------------------


def test_pdf_shows_its_pages_and_pgdn_pgup_stop_at_the_ends(qtbot: Any, demo: Demo) -> None:
    pdf = demo.of_kind("pdf")
    assert pdf.pages is not None and pdf.pages >= 2
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    show(qtbot, panel, [pdf])

    view = panel.findChild(QPdfView)
    assert view is not None and view.isVisible()
    assert view.pageMode() == QPdfView.PageMode.SinglePage
    assert panel.page_count() == pdf.pages
    assert panel.page() == 0
    assert f"page 1 / {pdf.pages}" in shown_text(panel)
    assert not button(panel, "Previous page").isEnabled()

    panel.previous_page()
    assert panel.page() == 0
    for n in range(1, pdf.pages):
        panel.next_page()
        assert panel.page() == n
    panel.next_page()
    assert panel.page() == pdf.pages - 1  # stops at the last page
    assert f"page {pdf.pages} / {pdf.pages}" in shown_text(panel)
    assert not button(panel, "Next page").isEnabled()
    panel.previous_page()
    assert panel.page() == pdf.pages - 2
    assert view.pageNavigator().currentPage() == panel.page()


def test_pdf_zooms_in_and_out_and_fits_to_width(qtbot: Any, demo: Demo) -> None:
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    show(qtbot, panel, [demo.of_kind("pdf")])
    view = panel.findChild(QPdfView)
    assert view is not None
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    fitted = panel.zoom()
    assert 0.2 < fitted < 3
    assert f"{round(fitted * 100)} %" in shown_text(panel)

    panel.zoom_in()
    assert view.zoomMode() == QPdfView.ZoomMode.Custom
    assert panel.zoom() == pytest.approx(fitted * 1.25)
    assert f"{round(panel.zoom() * 100)} %" in shown_text(panel)
    panel.zoom_out()
    panel.zoom_out()
    assert panel.zoom() == pytest.approx(fitted / 1.25)
    panel.fit()
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert panel.zoom() == pytest.approx(fitted)


def test_bytes_that_are_not_a_pdf_say_so(qtbot: Any, demo: Demo) -> None:
    pdf = demo.of_kind("pdf")
    panel = make_panel(qtbot, TaskRunner(synchronous=True), lambda a: b"%PDF-1.7 not really")
    assert show(qtbot, panel, [pdf]) == pdf
    assert "cannot show this file: it is not a valid PDF" in shown_text(panel)
    assert pdf.name in shown_text(panel)
    assert panel.page_count() == 0
    view = panel.findChild(QPdfView)
    assert view is not None and not view.isVisible()


# -- image and text ---------------------------------------------------------------------


def test_image_fits_the_panel_and_zooms(qtbot: Any, demo: Demo) -> None:
    image = demo.of_kind("image")
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    show(qtbot, panel, [image])
    view = panel.findChild(QGraphicsView)
    assert view is not None and view.isVisible()
    summary = image.preview.summary if image.preview is not None else None
    assert summary is not None

    fitted = panel.zoom()
    room = view.viewport().size()
    assert 0 < fitted <= 1.0
    assert summary["width"] * fitted <= room.width()
    assert summary["height"] * fitted <= room.height()
    # fitted means as large as fits: one side (nearly) fills the room
    assert (
        max(summary["width"] * fitted / room.width(), summary["height"] * fitted / room.height())
        > 0.95
    )

    panel.zoom_in()
    assert panel.zoom() == pytest.approx(fitted * 1.25)
    assert view.transform().m11() == pytest.approx(panel.zoom())
    panel.fit()
    assert panel.zoom() == pytest.approx(fitted)
    assert panel.page_count() == 0
    assert not any(
        b.isVisible() for b in panel.findChildren(QAbstractButton) if "page" in b.accessibleName()
    )


def test_text_is_monospace_read_only_with_a_line_number_gutter(qtbot: Any, demo: Demo) -> None:
    text = demo.of_kind("text")
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    show(qtbot, panel, [text])
    view = panel.findChild(CodeView)
    assert view is not None and view.isVisible()
    summary = text.preview.summary if text.preview is not None else None
    assert summary is not None

    assert view.isReadOnly()
    assert view.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    assert QFontInfo(view.font()).fixedPitch()
    assert view.blockCount() == summary["lines"]
    assert view.gutter.isVisible()
    assert view.gutter.width() > 0
    assert view.viewportMargins().left() == view.gutter.width()
    assert view.toPlainText().splitlines()[0] in demo.read(text).decode()

    before = view.gutter.width()
    panel.zoom_in()
    assert panel.zoom() == pytest.approx(1.25)
    assert view.gutter.width() > before  # the numbers grow with the text
    panel.fit()
    assert panel.zoom() == 1.0


def test_decode_text_uses_intakes_encoding_and_drops_the_final_newline() -> None:
    assert decode_text("café\r\nthé\n".encode("cp1252"), "cp1252") == ("café\nthé", False)
    assert decode_text("\ufeffhello".encode("utf-16-le"), "utf-16-le") == ("hello", False)
    assert decode_text(b"caf\xe9", None) == ("caf\ufffd", False)
    assert decode_text(b"x", "no-such-codec") == ("x", False)
    text, cut = decode_text(b"a" * (TEXT_LIMIT + 10), "utf-8")
    assert cut and len(text) == TEXT_LIMIT


# -- what is not shown ------------------------------------------------------------------


def test_a_file_intake_could_not_preview_shows_its_details_never_the_pdf(
    qtbot: Any, demo: Demo
) -> None:
    damaged = replace(demo.of_kind("pdf"), preview=Preview(None, "the file is damaged"))
    panel = make_panel(qtbot, TaskRunner(synchronous=True), never_read)
    assert show(qtbot, panel, [damaged]) == damaged

    text = shown_text(panel)
    assert "cannot preview: the file is damaged" in text
    for detail in (damaged.name, damaged.media_type, damaged.sha256, str(damaged.size)):
        assert detail in text
    view = panel.findChild(QPdfView)
    assert view is not None and not view.isVisible()
    assert view.document().status() != QPdfDocument.Status.Ready
    assert panel.page_count() == 0
    assert button(panel, "Open in the system viewer").isEnabled()
    files = panel.findChild(QTreeWidget)
    assert files is not None
    item = files.topLevelItem(0)
    assert item is not None and item.text(1).startswith("⚠")


def test_a_kind_without_a_viewer_shows_its_details(qtbot: Any, demo: Demo) -> None:
    other = replace(
        demo.of_kind("text"), media_type="application/zip", preview=Preview({"kind": "other"})
    )
    panel = make_panel(qtbot, TaskRunner(synchronous=True), never_read)
    show(qtbot, panel, [other])
    assert "No preview for this kind of file." in shown_text(panel)
    assert "application/zip" in shown_text(panel)


def test_a_read_error_is_shown_with_the_name_and_can_be_retried(qtbot: Any, demo: Demo) -> None:
    text = demo.of_kind("text")
    failing = [True]

    def read(artifact: ArtifactInfo) -> bytes:
        if failing[0]:
            raise BlobMissing(artifact.sha256, Path("/nowhere"))
        return demo.read(artifact)

    panel = make_panel(qtbot, TaskRunner(synchronous=True), read)
    assert show(qtbot, panel, [text]) == text
    shown = shown_text(panel)
    assert "cannot show this file: its stored copy is missing from the data folder" in shown
    assert text.name in shown
    assert "Your scores are safe" in shown

    failing[0] = False
    step(qtbot, panel, button(panel, "Try loading the file again").click)
    view = panel.findChild(CodeView)
    assert view is not None and view.isVisible()


def test_any_other_exception_from_read_is_shown_in_its_own_words(qtbot: Any, demo: Demo) -> None:
    def read(artifact: ArtifactInfo) -> bytes:
        raise ValueError("the file is 300 bytes, more than the viewer reads (200)")

    panel = make_panel(qtbot, TaskRunner(synchronous=True), read)
    show(qtbot, panel, [demo.of_kind("image")])
    assert "cannot show this file: the file is 300 bytes" in shown_text(panel)


# -- opening outside the app ------------------------------------------------------------


def test_open_in_the_system_viewer_asks_first_and_cancel_does_nothing(
    qtbot: Any, demo: Demo
) -> None:
    questions: list[str] = []
    opened: list[QUrl] = []
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    panel.confirm = lambda text: questions.append(text) or False
    panel.open_url = lambda url: opened.append(url) or True
    pdf = show(qtbot, panel, list(demo.artifacts))

    button(panel, "Open in the system viewer").click()
    assert len(questions) == 1
    assert pdf.name in questions[0] and "unsafe" in questions[0]
    assert opened == []  # and no_copy was not called


@pytest.mark.parametrize(("answer", "expected"), [("enter", False), ("open", True)])
def test_the_real_warning_defaults_to_cancel(
    qtbot: Any, demo: Demo, answer: str, expected: bool
) -> None:
    panel = make_panel(qtbot, TaskRunner(synchronous=True), demo.read)
    seen: list[str] = []

    def respond() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        assert box.icon() == QMessageBox.Icon.Warning
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        if answer == "enter":
            qtbot.keyClick(box, Qt.Key.Key_Return)
        else:
            next(b for b in box.buttons() if b.text() == "Open a copy").click()

    QTimer.singleShot(0, respond)
    assert panel.confirm("“photo.png” comes from the learner") is expected
    assert seen == ["“photo.png” comes from the learner"]


def test_open_in_the_system_viewer_hands_over_a_copy_not_the_stored_file(
    qtbot: Any, demo: Demo, runner: TaskRunner, tmp_path: Path
) -> None:
    opened: list[QUrl] = []
    copies = tmp_path / "opened"
    panel = make_panel(qtbot, runner, demo.read, lambda a: copy_for_viewer(demo.db, a, copies))
    panel.confirm = lambda text: True
    panel.open_url = lambda url: opened.append(url) or True
    text = show(qtbot, panel, [demo.of_kind("text")])

    panel.open_external()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=WAIT_MS)
    copy = Path(opened[0].toLocalFile())
    assert copy.parent == copies
    assert copy != demo.db.blobs.path_of(text.sha256)
    assert copy.read_bytes() == demo.read(text)


def test_when_no_program_opens_the_copy_the_panel_says_so(
    qtbot: Any, demo: Demo, tmp_path: Path
) -> None:
    panel = make_panel(
        qtbot,
        TaskRunner(synchronous=True),
        demo.read,
        lambda a: copy_for_viewer(demo.db, a, tmp_path / "opened"),
    )
    panel.confirm = lambda text: True
    panel.open_url = lambda url: False
    image = show(qtbot, panel, [demo.of_kind("image")])
    panel.open_external()
    assert f"No program on this computer opened “{image.name}”" in shown_text(panel)


# -- lifetime ---------------------------------------------------------------------------


def test_a_dropped_panel_is_freed_at_once_not_by_the_cycle_collector(demo: Demo) -> None:
    """In a reference cycle, a top-level panel would be deleted whenever the collector runs,
    which can be in the middle of painting it (a crash). A failed read is the likely way in:
    its traceback holds the frames that hold the panel."""

    def read(artifact: ArtifactInfo) -> bytes:
        if artifact.kind == "image":
            raise OSError(5, "Input/output error")
        return demo.read(artifact)

    gc.disable()  # from the start: a collection on the way would hide a cycle
    try:
        runner = TaskRunner(synchronous=True)
        panel = EvidencePanel(runner, *as_operations(runner, read, lambda a: Path()))
        panel.show()
        for artifact in demo.artifacts:  # every viewer has shown something
            panel.set_artifacts([artifact])
        panel.set_artifacts([demo.of_kind("image")])
        assert "Input/output error" in shown_text(panel)
        panel.close()
        ref = weakref.ref(panel)
        del panel
        assert ref() is None
    finally:
        gc.enable()


# -- loading off the GUI thread ---------------------------------------------------------


def test_bytes_are_read_on_a_worker_thread(qtbot: Any, demo: Demo, runner: TaskRunner) -> None:
    threads: list[threading.Thread] = []

    def read(artifact: ArtifactInfo) -> bytes:
        threads.append(threading.current_thread())
        return demo.read(artifact)

    panel = make_panel(qtbot, runner, read)
    show(qtbot, panel, list(demo.artifacts))
    while panel.current_artifact() != demo.artifacts[-1]:
        step(qtbot, panel, panel.next_artifact)
    assert len(threads) == len(demo.artifacts)
    assert threading.main_thread() not in threads


def test_a_newer_choice_overtakes_a_slow_load(qtbot: Any, demo: Demo, runner: TaskRunner) -> None:
    first, second = demo.artifacts[0], demo.artifacts[1]
    started, release, returned = threading.Event(), threading.Event(), threading.Event()

    def read(artifact: ArtifactInfo) -> bytes:
        if artifact == first:
            started.set()
            release.wait(WAIT_MS / 1000)
            returned.set()
        return demo.read(artifact)

    panel = make_panel(qtbot, runner, read)
    seen: list[ArtifactInfo] = []
    panel.loaded.connect(seen.append)
    panel.set_artifacts(list(demo.artifacts))
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    assert f"Loading {first.name}…" in shown_text(panel)

    assert step(qtbot, panel, panel.next_artifact) == second
    delivered = runner.batches_delivered
    release.set()
    qtbot.waitUntil(returned.is_set, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: runner.batches_delivered > delivered, timeout=WAIT_MS)

    assert seen == [second]
    assert panel.current_artifact() == second
    assert f"Loading {first.name}…" not in shown_text(panel)


@pytest.mark.parametrize("signed", [None, "uEiBxYz0123456789abcdefQ"])
def test_a_changed_stored_copy_is_an_alarm_not_a_retry(
    qtbot: Any, demo: Demo, signed: str | None
) -> None:
    """The store found the bytes no longer hash to what was received: trying again cannot
    help. The page says what changed and what to do; for a signed result, also that the
    signed record still holds the original digest."""
    text = demo.of_kind("text")
    actual = "f" * 64

    def read(artifact: ArtifactInfo) -> bytes:
        raise BlobCorrupt(artifact.sha256, Path("/data/blobs/x"), actual)

    panel = make_panel(qtbot, TaskRunner(synchronous=True), read)
    show_signed = lambda: panel.set_artifacts([text], signed=signed)  # noqa: E731
    step(qtbot, panel, show_signed)
    shown = shown_text(panel)
    assert f"“{text.name}” has changed since it was received" in shown
    assert text.sha256[:8] in shown and "ffffffff" in shown
    assert "Try again" not in shown and not any(
        b.isVisible() and b.accessibleName() == "Try loading the file again"
        for b in panel.findChildren(QAbstractButton)
    )
    assert "assessor verify" in shown and "backup" in shown
    assert ("still holds the original digest" in shown) == (signed is not None)
    assert not any(  # nor is the changed file handed to another program
        b.isVisible() and b.accessibleName() == "Open in the system viewer"
        for b in panel.findChildren(QAbstractButton)
    )
    if signed:
        assert "uEiBxYz0…defQ" in shown  # the record, by its digest
