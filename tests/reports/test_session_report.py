"""The exam session report: hostile text back as written, the log in sequence order with the
clock jump flagged, severity as word and colour, a long roster that repeats its header, the
seal checked, and a QR code that holds the digest printed beside it."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.lib.colors import HexColor

from assessor.reports.session import (
    INCIDENT_HEADER,
    INVALID_STAMP,
    OPEN_STAMP,
    ROSTER_HEADER,
    SEVERITY_COLOURS,
    TIMELINE_HEADER,
    write_session,
)
from assessor.services.report_session import SessionReportData, session_report_data
from assessor.store.db import Database
from tests.reports.pdf_text import (
    body,
    fills,
    have,
    page_texts,
    same_text,
    squeeze,
    to_png,
    zbar_decode,
)
from tests.reports.record_worlds import MANAGER, Session, session

CONTROLS = "bell\x07 esc\x1b[2J nul\x00 del\x7f csi\x9b"
HEADERS = tuple(squeeze("".join(h)) for h in (ROSTER_HEADER, TIMELINE_HEADER, INCIDENT_HEADER))


def pdf(data: SessionReportData) -> bytes:
    out = io.BytesIO()
    write_session(data, out)
    return out.getvalue()


@pytest.fixture
def sealed(db: Database, tmp_path: Path) -> Session:
    return session(db, tmp_path)


def test_every_hostile_text_comes_back_as_written(db: Database, sealed: Session) -> None:
    data = session_report_data(db, sealed.id)
    assert data.verified
    text = body(pdf(data), HEADERS)
    expected = {
        "title": sealed.title,
        "location": sealed.location,
        "proctor": data.names[str(data.session.proctor_id)],
        "manager": MANAGER,
        "amendment": sealed.amendment,
        **{f"incident {k}": v for k, v in sealed.texts.items()},  # the text: 10,000 characters
        **{f"candidate {k}": v for k, v in sealed.names.items()},
    }
    missing = [name for name, value in expected.items() if same_text(value) not in text]
    assert not missing, missing


def test_control_characters_in_every_field_are_drawn_as_escapes(
    db: Database, sealed: Session
) -> None:
    """The services refuse control characters, so only a forged row could carry them."""
    data = session_report_data(db, sealed.id)
    v = data.session
    log = tuple(
        replace(e, text=CONTROLS + e.text, witness=CONTROLS, action=CONTROLS, notified=CONTROLS)
        if e.text
        else e
        for e in v.log
    )
    candidates = tuple(replace(c, name=c.name + CONTROLS) for c in v.candidates)
    forged = replace(
        data,
        session=replace(v, title=CONTROLS, location=CONTROLS, log=log, candidates=candidates),
        amendments=tuple(replace(a, text=CONTROLS) for a in data.amendments),
    )
    text = body(pdf(forged), HEADERS)
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    assert text.count(same_text(CONTROLS)) >= 3 + 3 * len(v.incidents) + len(candidates) + 1
    assert same_text(CONTROLS + sealed.texts["text"]) in text


def test_the_timeline_is_in_sequence_order_and_the_clock_jump_is_flagged(
    db: Database, sealed: Session
) -> None:
    data = session_report_data(db, sealed.id)
    text = squeeze("".join(page_texts(pdf(data))))
    back = next(e for e in data.session.log if e.seq == sealed.clock_back_seq)
    before = next(e for e in data.session.log if e.seq == sealed.clock_back_seq - 1)
    assert back.clock_back and back.at < before.at  # logged earlier by the clock...
    row_before = f"{before.seq}{before.at.replace('T', '')[:18]}"
    row_back = f"{back.seq}{back.at.replace('T', '')[:18]}"
    assert text.index(row_before) < text.index(row_back)  # ...printed after it, by sequence
    flag = text.index(row_back) + len(row_back)
    assert text.index("CLOCKWENTBACK", flag) - flag < 10  # in the flagged entry's time cell
    assert squeeze(f"Entry #{back.seq} (incident) logged at") in text
    assert squeeze(f"Corrects case #{sealed.clock_back_seq - 1}") in text


def test_severity_is_a_word_and_a_colour(db: Database, sealed: Session) -> None:
    data = pdf(session_report_data(db, sealed.id))
    text = squeeze("".join(page_texts(data)))
    for word, means in (("RED", "suspected cheating"), ("BLUE", "technical")):
        assert squeeze(f"{word}{means}") in text
    assert squeeze("YELLOWrule broken, cheating unlikely") in text
    painted = [tuple(float(n) for n in colour.split()) for colour in fills(data)]

    def used(hex_colour: str) -> bool:
        rgb = HexColor(hex_colour).rgb()
        return any(max(abs(a - b) for a, b in zip(rgb, c, strict=True)) < 0.002 for c in painted)

    for severity in ("red", "blue", "yellow"):
        ink, fill = SEVERITY_COLOURS[severity]
        assert used(fill) and used(ink), severity  # the cell's fill, the word's ink
    assert not used(SEVERITY_COLOURS["green"][1])  # no green incident was logged


def test_incidents_carry_case_numbers_witness_intervention_and_notice(
    db: Database, sealed: Session
) -> None:
    data = session_report_data(db, sealed.id)
    text = squeeze("".join(page_texts(pdf(data))))
    for e in data.session.incidents:
        assert f"#{e.seq}" in text
    for label in ("Witness:", "Intervened:", "Notified:", "Type:prohibited-item"):
        assert label in text


def test_a_long_roster_breaks_across_pages_with_its_header_repeated(
    db: Database, tmp_path: Path
) -> None:
    s = session(db, tmp_path, candidates=70)
    pages = page_texts(pdf(session_report_data(db, s.id)))
    roster_pages = [p for p in pages if any(f"C{n:03d}" in p for n in range(1, 71))]
    assert len(pages) >= 4 and len(roster_pages) >= 3
    for page in roster_pages:
        squeezed = squeeze(page)
        assert HEADERS[0] in squeezed or HEADERS[1] in squeezed or HEADERS[2] in squeezed, page
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page


def test_an_open_session_is_stamped_on_every_page_and_has_no_digest(
    db: Database, tmp_path: Path
) -> None:
    s = session(db, tmp_path, sealed=False)
    data = session_report_data(db, s.id)
    assert data.signature.state == "unsigned" and data.record_digest is None
    for page in page_texts(pdf(data)):
        assert OPEN_STAMP in page and "none: not signed" in page


def test_rows_changed_after_the_seal_are_stamped(db: Database, sealed: Session) -> None:
    con = sqlite3.connect(db.path)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        if "exam" in name:
            con.execute(f"DROP TRIGGER {name}")
    con.execute("UPDATE exam_entries SET severity = 'green' WHERE severity = 'red'")
    con.commit()
    con.close()
    data = session_report_data(db, sealed.id)
    assert not data.verified
    pages = page_texts(pdf(data))
    assert all(INVALID_STAMP in page for page in pages)
    assert "differsfromwhatwassealed" in squeeze("".join(pages))


@pytest.mark.skipif(not have("zbarimg"), reason="zbarimg not installed (Debian: zbar-tools)")
@pytest.mark.skipif(not have("pdftoppm"), reason="pdftoppm not installed (Debian: poppler-utils)")
def test_the_qr_code_holds_the_digest_printed_beside_it(
    db: Database, sealed: Session, tmp_path: Path
) -> None:
    data = session_report_data(db, sealed.id)
    file = tmp_path / "session.pdf"
    file.write_bytes(pdf(data))
    pages = page_texts(file.read_bytes())
    for png in to_png(file, tmp_path / "page", dpi=100, first=1, last=len(pages)):
        assert zbar_decode(png) == [data.record_digest]
    for page in pages:
        assert f"Digest{data.record_digest}" in squeeze(page)
        assert str(data.session.record_id) in page
