"""Demo evidence: real, parseable files, deterministic per seed, user text never taken as markup."""

from __future__ import annotations

import ast
import functools
import io
import re
import struct
import time
import zlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessor.demo import write_demo
from assessor.formats.demo_data.evidence import (
    KINDS,
    EvidenceFile,
    code_sample_py,
    evidence_for,
    induction_record_pdf,
    method_statement_pdf,
    photo_png,
    reflective_journal_pdf,
    review_notes_pdf,
)
from assessor.formats.demo_data.evidence import (
    test_record_txt as make_test_record,  # renamed so that pytest does not collect it
)
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import CHEAP_KDF

NAME = "Oisín Ó Briain"
MARKUP_NAME = "<b>O'Brien & Sons</b>"
TITLE = "Safe isolation of a final circuit"
ON = date(2026, 11, 20)  # the day the submission was handed in
# ź is outside Latin-1: reportlab's built-in fonts have no glyph for it
POLISH_NAME = "Zofia Woźniak"


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """Each font the pages use, by BaseFont name, and whether its font program is embedded."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def printed_dates(text: str) -> set[date]:
    """The dd/mm/yyyy dates in `text`: the page header and the declaration."""
    return {
        date(int(y), int(m), int(d)) for d, m, y in re.findall(r"\b(\d\d)/(\d\d)/(\d{4})\b", text)
    }


PDF_MAKERS: list[Callable[..., bytes]] = [
    lambda name, seed, on=ON: method_statement_pdf(name, TITLE, seed, on=on),
    lambda name, seed, on=ON: reflective_journal_pdf(name, seed, on=on),
    lambda name, seed, on=ON: review_notes_pdf(name, seed, on=on),
    lambda name, seed, on=ON: induction_record_pdf(name, seed, on=on),
]
PDF_IDS = ["method-statement", "reflective-journal", "review-notes", "induction-record"]


# --------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("seed", range(12))
def test_method_statement_is_a_multi_page_pdf_naming_the_learner(seed: int) -> None:
    data = method_statement_pdf(NAME, TITLE, seed, on=ON)
    assert data.startswith(b"%PDF-")
    pages, text = pdf_text(data)
    assert 3 <= pages <= 6
    assert NAME in text
    assert TITLE in text
    assert "lorem" not in text.lower()


def test_markup_in_learner_name_and_title_prints_literally() -> None:
    title = "Isolation <i>&amp;</i> testing & <font size=40>proving</font>"
    data = method_statement_pdf(MARKUP_NAME, title, 3, on=ON)
    reader = PdfReader(io.BytesIO(data))
    first = " ".join(reader.pages[0].extract_text().split())  # the long title wraps
    # "<b>" and "&" are text, not bold markup or an entity: in the paragraphs and tables, not
    # only in the page footer (which reportlab never parses)
    assert f"submitted by {MARKUP_NAME}" in first
    assert f"Learner {MARKUP_NAME}" in first
    assert title in first
    assert reader.metadata is not None
    assert reader.metadata.author == MARKUP_NAME
    # the footer of every page names the learner too
    assert all(MARKUP_NAME in page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("make", PDF_MAKERS, ids=PDF_IDS)
def test_every_pdf_parses_names_the_learner_and_escapes_markup(
    make: Callable[[str, int], bytes],
) -> None:
    for seed in (1, 2):
        pages, text = pdf_text(make(NAME, seed))
        assert pages >= 2
        assert NAME in text
    _, text = pdf_text(make(MARKUP_NAME, 5))
    assert f"submitted by {MARKUP_NAME}" in " ".join(text.split())


def test_pdfs_are_deterministic_per_seed() -> None:
    assert method_statement_pdf(NAME, TITLE, 7, on=ON) == method_statement_pdf(
        NAME, TITLE, 7, on=ON
    )
    assert reflective_journal_pdf(NAME, 7, on=ON) == reflective_journal_pdf(NAME, 7, on=ON)
    assert method_statement_pdf(NAME, TITLE, 7, on=ON) != method_statement_pdf(
        NAME, TITLE, 8, on=ON
    )


def test_reflective_journal_word_count_is_the_real_one() -> None:
    _, text = pdf_text(reflective_journal_pdf(NAME, 4, on=ON))
    stated = int(text.split("Word count")[1].split()[0])
    body = text.split("Description", 1)[1].split("Action plan", 1)[0]
    headings = {"Feelings", "Evaluation", "Analysis", "Conclusion"}
    words = [w for w in body.split() if w not in headings]
    # page footers and header dates are in the extracted text too; allow for them
    assert stated <= len(words) <= stated + 40


@pytest.mark.parametrize("make", PDF_MAKERS, ids=PDF_IDS)
def test_every_pdf_uses_only_embedded_dejavu_and_prints_a_polish_name(
    make: Callable[..., bytes],
) -> None:
    for seed in (3, 4):
        data = make(POLISH_NAME, seed)
        fonts = pdf_fonts(data)
        # no Helvetica or Courier (standard fonts, not embedded) and no Vera: all text is DejaVu
        assert fonts and all("DejaVu" in name for name in fonts), fonts
        assert all(fonts.values()), fonts
        reader = PdfReader(io.BytesIO(data))
        first = " ".join(reader.pages[0].extract_text().split())
        assert f"submitted by {POLISH_NAME}" in first
        assert all(POLISH_NAME in page.extract_text() for page in reader.pages)  # footers


def test_code_excerpt_is_set_in_dejavu_mono() -> None:
    assert any("DejaVuSansMono" in name for name in pdf_fonts(review_notes_pdf(NAME, 3, on=ON)))


@pytest.mark.parametrize("make", PDF_MAKERS, ids=PDF_IDS)
@pytest.mark.parametrize("on", [ON, date(2027, 1, 2)], ids=str)
def test_every_pdf_is_dated_from_the_submission(make: Callable[..., bytes], on: date) -> None:
    days = set()
    for seed in range(8):
        _, text = pdf_text(make(NAME, seed, on=on))
        printed = printed_dates(text)
        assert len(printed) == 1, printed  # the header and the declaration agree
        (day,) = printed
        assert on - timedelta(days=3) <= day <= on
        days.add(day)
    assert len(days) > 1  # not always the submission day itself


def test_dates_agree_within_a_submission() -> None:
    for seed in range(6):
        record = make_test_record(NAME, seed, on=ON).decode()
        stated = next(line for line in record.splitlines() if line.startswith("Date:"))
        day = date.fromisoformat(stated.split(":", 1)[1].strip())
        ref = next(line for line in record.splitlines() if line.startswith("Reference:"))
        _, statement = pdf_text(method_statement_pdf(NAME, TITLE, seed, on=ON))
        assert printed_dates(statement) == {day}
        assert f"Date of work {day:%d %B %Y}" in " ".join(statement.split())
        assert ref.split(":", 1)[1].strip() == f"MS-{day:%y}-" + ref.rsplit("-", 1)[1]
        assert ref.split(":", 1)[1].strip() in statement


# --------------------------------------------------------------------------- PNG


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        at += 12 + length
    assert at == len(data)
    return chunks


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the raw scanlines (each with its filter byte)."""
    chunks = png_chunks(data)
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    assert (depth, colour, compression, filtering, interlace) == (8, 2, 0, 0, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    return width, height, raw


@pytest.mark.parametrize("scene", ["isolation", "site"])
@pytest.mark.parametrize("size", [(800, 600), (123, 77), (1, 1)])
def test_png_is_valid_rgb_of_the_asked_size(scene: str, size: tuple[int, int]) -> None:
    width, height = size
    data = photo_png("Lock-off on circuit 3", 11, width, height, scene=scene)
    w, h, raw = png_pixels(data)
    assert (w, h) == (width, height)
    assert len(raw) == height * (1 + 3 * width)
    assert all(raw[y * (1 + 3 * width)] == 0 for y in range(height))  # filter type "None"


def test_png_caption_is_stored_as_utf8_description() -> None:
    data = photo_png("Circuit 3 — locked off, tag nº 0412", 2)
    texts = [body for kind, body in png_chunks(data) if kind == b"iTXt"]
    assert texts == [
        b"Description\x00\x00\x00\x00\x00" + "Circuit 3 — locked off, tag nº 0412".encode()
    ]


def test_png_same_seed_same_bytes_other_seed_other_picture() -> None:
    assert photo_png("x", 5) == photo_png("x", 5)
    pictures = {png_pixels(photo_png("x", seed))[2] for seed in range(5)}
    assert len(pictures) == 5  # the pixels differ, not only the metadata


def test_isolation_photo_shows_a_board_and_a_red_lock_off() -> None:
    _, _, raw = png_pixels(photo_png("x", 9))
    rows = [raw[y * 2401 + 1 : (y + 1) * 2401] for y in range(600)]
    pixels = {bytes(row[i : i + 3]) for row in rows[::4] for i in range(0, 2400, 12)}
    assert len(pixels) > 40  # a picture, not a flat fill
    red = bytes((206, 28, 32))
    assert any(red in row for row in rows)


def test_png_is_fast() -> None:
    best = min(_timed(functools.partial(photo_png, "x", seed)) for seed in range(3))
    assert best < 0.3


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def test_png_rejects_an_empty_size_and_unknown_scene() -> None:
    with pytest.raises(ValueError):
        photo_png("x", 1, 0, 10)
    with pytest.raises(ValueError, match="isolation, site"):
        photo_png("x", 1, scene="beach")


# --------------------------------------------------------------------------- text and code


@pytest.mark.parametrize("seed", range(6))
def test_test_record_is_utf8_with_a_row_per_circuit(seed: int) -> None:
    text = make_test_record(NAME, seed, on=ON).decode("utf-8")  # raises if not valid UTF-8
    assert NAME in text
    assert "Ω" in text
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Way "))
    rows = []
    for line in lines[header + 2 :]:
        if line.startswith("---"):
            break
        rows.append(line)
    assert len(rows) >= 5
    assert [int(r.split()[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.split()[-1] in {"PASS", "FAIL"} for r in rows)


def test_files_for_one_submission_agree_on_the_circuit() -> None:
    text = make_test_record(NAME, 21, on=ON).decode()
    isolated = next(line for line in text.splitlines() if line.startswith("Circuit isolated:"))
    number, rest = isolated.split(":", 1)[1].strip().split(" — ", 1)
    circuit = rest.rsplit(" (", 1)[0]
    _, pdf = pdf_text(method_statement_pdf(NAME, TITLE, 21, on=ON))
    assert f"{number} — {circuit}" in pdf


@pytest.mark.parametrize("seed", range(12))
def test_code_sample_compiles_and_is_documented(seed: int) -> None:
    source = code_sample_py(seed).decode("utf-8")
    compile(source, "solution.py", "exec")
    tree = ast.parse(source)
    assert ast.get_docstring(tree)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert functions
    assert all(ast.get_docstring(f) for f in functions)


def test_code_samples_vary_with_the_seed() -> None:
    assert len({code_sample_py(seed) for seed in range(20)}) >= 3


# --------------------------------------------------------------------------- evidence sets


EXPECTED = {
    "safe-isolation": [
        ("method-statement.pdf", "application/pdf"),
        ("isolation-photo.png", "image/png"),
        ("test-record.txt", "text/plain"),
    ],
    "site-induction": [
        ("induction-photo.png", "image/png"),
        ("induction-record.pdf", "application/pdf"),
    ],
    "reflective-practice": [("reflective-journal.pdf", "application/pdf")],
    "code-review": [("review-notes.pdf", "application/pdf"), ("solution.py", "text/x-python")],
}


@pytest.mark.parametrize("kind", KINDS)
def test_evidence_for_each_kind(kind: str) -> None:
    files = evidence_for(kind, NAME, 42, on=ON)
    assert [(f.name, f.media_type) for f in files] == EXPECTED[kind]
    for f in files:
        assert isinstance(f, EvidenceFile)
        if f.media_type == "application/pdf":
            assert NAME in pdf_text(f.data)[1]
        elif f.media_type == "image/png":
            png_pixels(f.data)
        else:
            f.data.decode("utf-8")
    assert evidence_for(kind, NAME, 42, on=ON) == files


def test_evidence_for_an_unknown_kind_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="code-review, reflective-practice, safe-isolation"):
        evidence_for("welding", NAME, 1, on=ON)


def test_demo_documents_name_the_learner_and_are_dated_from_their_submission(
    tmp_path: Path,
) -> None:
    write_demo(tmp_path / "data", kdf_cost=CHEAP_KDF)  # the documents, not the keys
    with Database.open(tmp_path / "data") as db, db.read() as session:
        subs = session.query(m.Submission).all()
        checked = 0
        for sub in subs:
            handed_in = sub.submitted_at.date()  # UTC, as the CLI shows it
            for artifact in sub.artifacts:
                if artifact.media_type != "application/pdf":
                    continue
                _, text = pdf_text(db.blobs.read_bytes(artifact.sha256))
                blind = sub.assessment.blind_marking  # the work names the code, not the name
                assert (sub.learner.anonymous_code if blind else sub.learner.name) in text
                (day,) = printed_dates(text)
                assert handed_in - timedelta(days=3) <= day <= handed_in, (sub.id, day)
                checked += 1
        assert checked == len(subs)  # every demo submission has one PDF
        assert any(not sub.learner.name.isascii() for sub in subs)
