"""Previews are worked out in a child process under limits: honest files are described,
hostile ones end as "cannot preview: REASON", and the submission can be scored either way."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter

from assessor.demo import write_demo
from assessor.domain.errors import UnknownChoice
from assessor.services import preview as pv
from assessor.services.finalize import finalize
from assessor.services.preview import Limits, prepare_previews, preview_file, preview_of
from assessor.services.scoring import SetLevel, save_draft
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import CHEAP_KDF, Seed
from tests.services import media_files as f

FAST = Limits(seconds=5)


def _write(tmp_path: Path, data: bytes, name: str = "artifact") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _preview(tmp_path: Path, data: bytes, limits: Limits = FAST) -> pv.Preview:
    return preview_file(_write(tmp_path, data), limits)


# -- honest files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "summary", "text"),
    [
        (f.real_pdf(3), {"kind": "pdf", "pages": 3}, "PDF, 3 pages"),
        (f.png(30, 20), {"kind": "image", "width": 30, "height": 20}, "image, 30×20 pixels"),
        (f.jpeg(640, 480), {"kind": "image", "width": 640, "height": 480}, None),
        (f.gif(16, 9), {"kind": "image", "width": 16, "height": 9}, None),
        (f.webp(1920, 1080), {"kind": "image", "width": 1920, "height": 1080}, None),
        ("Zażółć\ngęślą\njaźń\n".encode(), {"kind": "text", "encoding": "utf-8", "lines": 3}, None),
        (
            "Zażółć\r\ngęślą".encode("utf-16"),
            {"kind": "text", "encoding": "utf-16-le", "lines": 2},
            "text (utf-16-le), 2 lines",
        ),
        (
            "Café\r\ncrème\r\n".encode("cp1252"),
            {"kind": "text", "encoding": "cp1252", "lines": 2},
            None,
        ),
        (b"", {"kind": "text", "encoding": "utf-8", "lines": 0}, None),
        (f.zip_with("a.txt"), {"kind": "other"}, "no preview for this kind of file"),
    ],
    ids=["pdf", "png", "jpeg", "gif", "webp", "utf-8", "utf-16", "cp1252", "empty", "zip"],
)
def test_honest_files_are_described(
    tmp_path: Path, data: bytes, summary: dict[str, object], text: str | None
) -> None:
    result = _preview(tmp_path, data)
    assert result.reason is None and result.summary == summary
    if text is not None:
        assert result.text == text


def test_utf8_that_turns_out_not_to_be_is_read_as_cp1252(tmp_path: Path) -> None:
    data = b"plain ascii line\n" * 1000 + "naïve\n".encode("cp1252")
    result = _preview(tmp_path, data)
    assert result.summary == {"kind": "text", "encoding": "cp1252", "lines": 1001}


# -- hostile files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (f.real_pdf(2)[:400], "malformed PDF: "),
        (b"%PDF-1.7\n" + b"garbage " * 100, "malformed PDF: "),
        (f.cyclic_page_tree_pdf(), "malformed PDF: "),
        (f.exploding_page_tree_pdf(), "malformed PDF: "),
        (f.png(100_000, 100_000, idat=b""), "image too large: 100000×100000 pixels"),
        (f.png(100, 100, idat=f.zlib_bomb(64 << 20)), "malformed PNG: the image data is larger"),
        (f.png(100, 100)[:-40], "malformed PNG: "),
        (f.png(10, 10, idat=b"not zlib at all"), "malformed PNG: the image data is damaged"),
        (f.png(0, 10, idat=b""), "malformed PNG: it declares 0×10 pixels"),
        (f.png(4, 4).replace(b"IEND", b"IEND"[:3] + b"X"), "malformed PNG: "),
        (f.jpeg(50_000, 50_000), "image too large: 50000×50000 pixels"),
        (b"\xff\xd8\xff\xda\x00\x02", "malformed JPEG: no frame header"),
        (f.gif(60_000, 60_000), "image too large: 60000×60000 pixels"),
        (b"RIFF\x10\x00\x00\x00WEBPJUNK", "malformed WebP: no image header"),
        ("Résumé".encode("utf-16")[:-1] + b"\x00\xdc", "not valid utf-16"),
    ],
    ids=[
        "truncated-pdf",
        "garbage-pdf",
        "cyclic-pages",
        "exploding-pages",
        "png-100000x100000",
        "png-zlib-bomb",
        "png-truncated",
        "png-not-zlib",
        "png-zero-width",
        "png-bad-iend-crc",
        "jpeg-pixel-bomb",
        "jpeg-no-sof",
        "gif-pixel-bomb",
        "webp-junk",
        "bad-utf16",
    ],
)
def test_hostile_files_end_as_cannot_preview(tmp_path: Path, data: bytes, reason: str) -> None:
    result = _preview(tmp_path, data)
    assert result.summary is None
    assert result.text.startswith(f"cannot preview: {reason}"), result.text


def test_a_png_with_a_damaged_chunk_is_refused(tmp_path: Path) -> None:
    data = bytearray(f.png(8, 8))
    data[-20] ^= 0xFF  # inside IDAT: its checksum no longer matches
    assert _preview(tmp_path, bytes(data)).text.startswith("cannot preview: malformed PNG")


def test_a_pdf_locked_with_a_password_says_so(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(f.real_pdf(2)))
    writer.encrypt("secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    result = _preview(tmp_path, locked.getvalue())
    assert result.text == "cannot preview: the PDF is encrypted with a password"
    # An owner password only (no user password) opens as usual.
    writer = PdfWriter(clone_from=io.BytesIO(f.real_pdf(2)))
    writer.encrypt("", "owner", algorithm="RC4-128")
    opened = io.BytesIO()
    writer.write(opened)
    assert _preview(tmp_path, opened.getvalue()).text == "PDF, 2 pages"


def test_a_pdf_that_allocates_past_the_memory_limit(tmp_path: Path) -> None:
    result = _preview(tmp_path, f.xref_stream_bomb_pdf(), Limits(seconds=10, memory_mib=100))
    assert result.text == "cannot preview: used more than 100 MiB"


def test_a_pdf_that_is_slow_to_parse_is_stopped(tmp_path: Path) -> None:
    result = _preview(tmp_path, f.deeply_nested_pdf(), Limits(seconds=0.3))
    # On a fast machine pypdf may give up on it first; either way it is refused plainly.
    assert result.text in {
        "cannot preview: took longer than 0.3 s",
        "cannot preview: malformed PDF: Reached maximum number of dictionary entries.",
    }


def test_a_child_that_runs_too_long_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pv, "CHILD", ["-c", "import time; time.sleep(30)"])
    result = _preview(tmp_path, b"text\n", Limits(seconds=0.5))
    assert result.text == "cannot preview: took longer than 0.5 s"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("print('not json')", "the previewer gave no readable answer"),
        ("print('[1, 2]')", "the previewer gave no readable answer"),
        ('print(\'{"kind": "executable"}\')', "the previewer gave no readable answer"),
        ("import os; os.abort()", "the previewer stopped unexpectedly (exit status -6)"),
        ("raise SystemExit(3)", "the previewer stopped unexpectedly (exit status 3)"),
        ("raise MemoryError", "used more than 512 MiB"),
    ],
)
def test_whatever_the_child_does_is_an_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, reason: str
) -> None:
    if code.startswith("import os") and sys.platform == "win32":
        pytest.skip("POSIX signal numbers")
    monkeypatch.setattr(pv, "CHILD", ["-c", code])
    assert _preview(tmp_path, b"text\n", Limits()).text == f"cannot preview: {reason}"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_a_child_stopped_by_the_processor_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spin = "import resource; resource.setrlimit(resource.RLIMIT_CPU, (1, 2))\nwhile True: pass"
    monkeypatch.setattr(pv, "CHILD", ["-c", spin])
    result = _preview(tmp_path, b"text\n", Limits(seconds=20))
    assert result.text == "cannot preview: used more than 20 s of processor time"


# -- many files through the forking servers ----------------------------------------------------

MIXED = [
    (f.real_pdf(3), "PDF, 3 pages"),
    (f.png(100_000, 100_000, idat=b""), "cannot preview: image too large: 100000×100000 pixels"),
    (b"one\ntwo\n", "text (utf-8), 2 lines"),
    (f.png(100, 100, idat=f.zlib_bomb(8 << 20)), "cannot preview: malformed PNG: the image data"),
    (f.cyclic_page_tree_pdf(), "cannot preview: malformed PDF: Detected cyclic page references."),
    (f.png(7, 5), "image, 7×5 pixels"),
    (f.real_pdf(2)[:400], "cannot preview: malformed PDF: "),
    (f.EXE, "no preview for this kind of file"),
    (f.jpeg(50_000, 50_000), "cannot preview: image too large: 50000×50000 pixels"),
]


def _many(tmp_path: Path, items: list[tuple[bytes, str]]) -> list[Path]:
    return [_write(tmp_path, data, f"file-{i}") for i, (data, _) in enumerate(items)]


def test_many_files_are_answered_in_order(tmp_path: Path) -> None:
    paths = _many(tmp_path, MIXED)
    answers = pv.preview_files(paths, FAST)
    assert [a.text[: len(text)] for a, (_, text) in zip(answers, MIXED, strict=True)] == [
        text for _, text in MIXED
    ]
    assert answers == [preview_file(p, FAST) for p in paths]  # the same as one child each
    assert pv.preview_files([], FAST) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="servers fork")
def test_limits_hold_in_each_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pv, "WORKERS", 1)  # one server, which must go on after each failure
    monkeypatch.setattr(pv, "preview_file", None)  # and no falling back to one child per file
    slow = _write(tmp_path, f.deeply_nested_pdf(), "slow")
    bomb = _write(tmp_path, f.xref_stream_bomb_pdf(), "bomb")
    after = _write(tmp_path, b"after\n", "text")
    slow_answer, text_answer = pv.preview_files([slow, after], Limits(seconds=0.2))
    assert slow_answer.text in {
        "cannot preview: took longer than 0.2 s",
        "cannot preview: malformed PDF: Reached maximum number of dictionary entries.",
    }
    assert text_answer.text == "text (utf-8), 1 line"
    bomb_answer, text_answer = pv.preview_files([bomb, after], Limits(memory_mib=100))
    assert bomb_answer.text == "cannot preview: used more than 100 MiB"
    assert text_answer.text == "text (utf-8), 1 line"


@pytest.mark.parametrize(
    "server",
    [
        ["-c", "pass"],  # ends at once
        ["-c", "print('garbage', flush=True); import time; time.sleep(30)"],
        ["-c", "import time; time.sleep(30)"],  # never answers
        ["-c", "import os; os.abort()"],
    ],
    ids=["ends", "garbage", "silent", "crash"],
)
def test_a_server_that_fails_leaves_the_files_to_one_child_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: list[str]
) -> None:
    monkeypatch.setattr(pv, "SERVE", server)
    monkeypatch.setattr(pv, "GRACE", 0.0)
    items = MIXED[:3]
    answers = pv.preview_files(_many(tmp_path, items), Limits(seconds=2))
    assert [a.text[: len(text)] for a, (_, text) in zip(answers, items, strict=True)] == [
        text for _, text in items
    ]


def test_the_demo_comes_with_its_previews(tmp_path: Path) -> None:
    summary = write_demo(tmp_path / "demo", kdf_cost=CHEAP_KDF)
    with Database.open(tmp_path / "demo") as db:
        con = sqlite3.connect(db.path)
        try:
            stored = [json.loads(p) for (p,) in con.execute("SELECT preview FROM artifacts")]
            events = con.execute(
                "SELECT payload FROM audit_events WHERE action = 'artifact.preview'"
            ).fetchall()
        finally:
            con.close()
    assert len(stored) == summary.artifacts
    assert not [p for p in stored if "error" in p]
    assert {p["kind"] for p in stored} == {"pdf", "image", "text"}
    (payload,) = [json.loads(e) for (e,) in events]
    rows = payload.pop("rows")  # the stored previews, as the audit log holds them
    assert payload == {"artifacts": summary.artifacts, "cannotPreview": 0, "typeMismatches": 0}
    assert len(rows) == summary.artifacts
    assert {(op, table, tuple(change)) for op, table, _, change in rows} == {
        ("update", "artifacts", ("preview",))
    }


# -- stored previews ---------------------------------------------------------------------------


def _add_artifacts(db: Database, submission_id: str, files: list[tuple[str, str, bytes]]) -> None:
    refs = [db.blobs.put_bytes(data) for _, _, data in files]
    with db.write() as tx:
        for position, ((name, media_type, _), ref) in enumerate(zip(files, refs, strict=True)):
            tx.add(
                m.Artifact(
                    submission_id=submission_id,
                    position=position,
                    name=name,
                    media_type=media_type,
                    size=ref.size,
                    sha256=ref.sha256,
                )
            )


def _audit_actions(db: Database) -> list[str]:
    con = sqlite3.connect(db.path)
    try:
        return [a for (a,) in con.execute("SELECT action FROM audit_events ORDER BY seq")]
    finally:
        con.close()


def test_previews_are_stored_once_and_the_submission_can_still_be_scored(
    db: Database, seeded: Seed
) -> None:
    sub = seeded.submission_ids[0]
    _add_artifacts(
        db,
        sub,
        [
            ("method-statement.pdf", "application/pdf", f.real_pdf(2)),
            ("photo.png", "image/png", f.real_pdf(1)),  # a PDF that calls itself a PNG
            ("bomb.png", "image/png", f.png(100_000, 100_000, idat=b"")),
            ("broken.pdf", "application/pdf", f.cyclic_page_tree_pdf()),
            ("notes.md", "text/markdown", b"# Notes\n\nAll good.\n"),
        ],
    )
    before = _audit_actions(db)
    results = prepare_previews(db, sub, FAST)
    assert [r.text for r in results] == [
        "PDF, 2 pages",
        "PDF, 1 page",
        "cannot preview: image too large: 100000×100000 pixels",
        "cannot preview: malformed PDF: Detected cyclic page references.",
        "text (utf-8), 3 lines",
    ]
    assert [r.media_type for r in results] == [
        "application/pdf",
        "application/pdf",
        "image/png",
        "application/pdf",
        "text/markdown",
    ]
    assert [r.type_matches for r in results] == [True, False, True, True, True]
    assert _audit_actions(db) == [*before, "artifact.preview"]

    for result in results:
        assert preview_of(db, result.artifact_id) == result
    with db.read() as tx:
        stored = tx.get(m.Artifact, results[2].artifact_id)
        assert stored is not None and stored.preview is not None
        assert json.loads(stored.preview) == {
            "error": "image too large: 100000×100000 pixels",
            "mediaType": "image/png",
        }

    assert prepare_previews(db, sub, FAST) == []  # nothing left to prepare: no new event
    assert _audit_actions(db) == [*before, "artifact.preview"]

    view = save_draft(db, sub, seeded.assessor_id, [SetLevel("plan", "competent")])
    assert view.criteria[0].level_id == "competent"


def test_previews_can_be_prepared_after_the_evidence_is_signed(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    _add_artifacts(db, sub, [("photo.png", "image/png", f.png(4, 4))])
    levels = [("plan", "competent"), ("terminate", "proficient"), ("prove-dead", "competent")]
    changes = [SetLevel(c, level) for c, level in [*levels, ("record", "full")]]
    save_draft(db, sub, seeded.assessor_id, list(changes))
    finalize(db, sub, seeded.signer(db))
    assert [r.text for r in prepare_previews(db, sub, FAST)] == ["image, 4×4 pixels"]


def test_a_damaged_or_missing_blob_is_not_handed_to_the_child(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[1]
    good, bad = b"first file\n", b"second file\n"
    _add_artifacts(db, sub, [("a.txt", "text/plain", good), ("b.txt", "text/plain", bad)])
    a, b = (db.blobs.path_of(hashlib.sha256(x).hexdigest()) for x in (good, bad))
    a.write_bytes(b"tampered\n")
    b.unlink()
    results = prepare_previews(db, sub, FAST)
    assert [r.text for r in results] == [
        "cannot preview: the stored file is damaged",
        "cannot preview: the stored file is missing",
    ]


def test_previews_of_an_unknown_submission_or_artifact(db: Database, seeded: Seed) -> None:
    with pytest.raises(UnknownChoice):
        prepare_previews(db, "sub-999")
    assert preview_of(db, 12345) is None
    assert prepare_previews(db, seeded.submission_ids[2]) == []  # no artifacts at all
