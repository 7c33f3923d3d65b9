"""The sign-off record report: the decision as signed, both signers, hostile text back as
written, a QR code that holds what is printed beside it."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assessor.reports.signoff import INVALID_STAMP, SIGNERS_HEADER, write_signoff
from assessor.services.report_signoff import SignOffReportData, signoff_report_data
from assessor.store.db import Database
from tests.reports.conftest import HOSTILE, LONG_COMMENT
from tests.reports.pdf_text import body, have, page_texts, same_text, squeeze, to_png, zbar_decode
from tests.reports.record_worlds import SignedOff, signed_off

CONTROLS = "bell\x07 esc\x1b[2J nul\x00 del\x7f csi\x9b"


def pdf(data: SignOffReportData) -> bytes:
    out = io.BytesIO()
    write_signoff(data, out)
    return out.getvalue()


def shown(data: SignOffReportData) -> str:
    return body(pdf(data), (squeeze("".join(SIGNERS_HEADER)),))


@pytest.fixture
def decided(db: Database) -> SignedOff:
    return signed_off(db)


def test_every_hostile_text_comes_back_as_written(db: Database, decided: SignedOff) -> None:
    data = signoff_report_data(db, "sub-001")
    text = shown(data)
    world = decided.world
    expected = {
        "reason": decided.reason,
        "manager": decided.manager,
        "assessor": "Ада Ассессор <b>",
        "learner": world.learner,
        "assessment": world.assessment_title,
        "rubric": world.rubric.title,
    }
    missing = [name for name, value in expected.items() if same_text(value) not in text]
    assert not missing, missing
    assert "\u202e" not in text and "\\u202eevil.exe" in text


def test_control_characters_and_a_10000_character_reason_render_as_written(
    db: Database, decided: SignedOff
) -> None:
    """The services refuse control characters, so only a forged row could carry them: the
    report still draws them as escapes, and draws a reason of any length."""
    data = signoff_report_data(db, "sub-001")
    reason = CONTROLS + " " + LONG_COMMENT
    manager = f"{HOSTILE['markup']} {CONTROLS}"
    text = shown(replace(data, reason=reason, manager_name=manager))
    assert same_text(reason) in text and same_text(manager) in text
    assert "\\x1b[2J" in text and "\x1b" not in text and "\x00" not in text


def test_the_decision_both_signers_and_the_record_on_every_page(
    db: Database, decided: SignedOff
) -> None:
    data = signoff_report_data(db, "sub-001")
    assert data.verified and data.decision == "returned" and data.return_to == "assessor"
    pages = page_texts(pdf(data))
    everything = squeeze("".join(pages))
    assert squeeze("Returned to the assessor for rescoring") in everything
    assert squeeze("AssessorАда Ассессор <b>") in everything
    assert same_text("Manager" + decided.manager) in everything
    assert data.sheet.record_id and data.sheet.record_id in everything  # the record it binds
    assert INVALID_STAMP not in everything
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page
        assert data.record_id in page and str(data.record_digest) in page


def test_an_approval_says_approved(db: Database) -> None:
    signed_off(db, approve=True)
    text = squeeze("".join(page_texts(pdf(signoff_report_data(db, "sub-001")))))
    assert "DecisionApproved" in text and "Returned" not in text


def test_a_decision_changed_behind_the_signature_prints_the_signed_one_stamped(
    db: Database, decided: SignedOff
) -> None:
    con = sqlite3.connect(db.path)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        if "signoff" in name:
            con.execute(f"DROP TRIGGER {name}")
    con.execute("UPDATE signoffs SET decision = 'approved', return_to = NULL, reason = 'FORGED'")
    con.commit()
    con.close()
    data = signoff_report_data(db, "sub-001")
    assert not data.verified and data.decision == "returned"
    pages = page_texts(pdf(data))
    assert all(INVALID_STAMP in page for page in pages)
    text = squeeze("".join(pages))
    assert "FORGED" not in text and "differsfromthesignedone" in text


@pytest.mark.skipif(not have("zbarimg"), reason="zbarimg not installed (Debian: zbar-tools)")
@pytest.mark.skipif(not have("pdftoppm"), reason="pdftoppm not installed (Debian: poppler-utils)")
def test_the_qr_code_holds_the_digest_then_the_credentials_address(
    db: Database, decided: SignedOff, tmp_path: Path
) -> None:
    data = signoff_report_data(db, "sub-001")
    file = tmp_path / "signoff.pdf"
    file.write_bytes(pdf(data))
    pages = page_texts(file.read_bytes())
    for png in to_png(file, tmp_path / "digest", dpi=100, first=1, last=len(pages)):
        assert zbar_decode(png) == [data.record_digest]
    assert all(f"Digest{data.record_digest}" in squeeze(page) for page in pages)
    # The sync learns of a credential issued on this sign-off: the QR code is its address.
    url = "https://issuer.example/credentials/urn:uuid:1234?view=verify"
    con = sqlite3.connect(db.path)
    profile = con.execute("SELECT id FROM profiles LIMIT 1").fetchone()[0]
    con.execute(
        "INSERT INTO sync_credentials (id, profile_id, url, achievement, learner, status,"
        " issued_at, records, updated_at) VALUES ('c1', ?, ?, 'badge', 'l', 'active',"
        " '2026-12-02T10:00:00Z', ?, ?)",
        (profile, url, f'["{data.record_id}"]', datetime.now(UTC).isoformat()),
    )
    con.commit()
    con.close()
    data = signoff_report_data(db, "sub-001")
    assert data.verification_url == url
    file.write_bytes(pdf(data))
    for png in to_png(file, tmp_path / "url", dpi=100, first=1, last=1):
        assert zbar_decode(png) == [url]
    assert f"Verify{url}" in squeeze(page_texts(file.read_bytes())[0])
