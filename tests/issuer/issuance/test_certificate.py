"""The certificate PDF: its text, its QR code, and hostile names printed as written."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from issuer.issuance.certificate import certificate_pdf, fallback_fonts
from issuer.issuance.view import CredentialView, Links, ProofCheck, credential_view
from tests.issuer.issuance import factory

NOW = "2026-05-01T09:00:00Z"


def _view(inputs: object = None, **changes: object) -> CredentialView:
    inputs = inputs or factory.full()
    signed = factory.signed(inputs)  # type: ignore[arg-type]
    view = credential_view(
        signed,
        proof=ProofCheck(True, signed["proof"][0]["verificationMethod"], NOW),
        links=Links.for_credential(signed["id"]),
        now=NOW,
        learner_name=inputs.learner.name,  # type: ignore[attr-defined]
    )
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_the_certificate_names_learner_achievement_issuer_dates_and_url() -> None:
    view = _view()
    text = _text(certificate_pdf(view))
    assert "Ada Lovelace" in text
    assert "Safe Lifting" in text
    assert "Example Skills Board" in text
    assert "2026-03-04" in text  # awarded
    assert "valid until 2028-03-03" in text
    assert view.credential_url in text.replace(" ", "")


def test_without_a_name_the_certificate_names_the_learner_identifier() -> None:
    view = _view(factory.plain())
    assert view.learner_name is None
    text = _text(certificate_pdf(view))
    assert "the holder of learner identifier urn:uuid:0192d3c4-0000-7000-8000-000000000001" in text


def test_a_revoked_credential_says_so_on_its_certificate() -> None:
    assert "REVOKED" in _text(certificate_pdf(_view(status="revoked")))
    assert "REVOKED" not in _text(certificate_pdf(_view()))


def test_the_fonts_are_embedded() -> None:
    reader = pypdf.PdfReader(io.BytesIO(certificate_pdf(_view())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[f].get_object()["/BaseFont"]) for f in fonts}
    assert any("DejaVuSans" in name for name in names)
    for f in fonts:
        descendant = fonts[f].get_object()
        assert "/ToUnicode" in descendant  # text can be copied out


ZBARIMG = shutil.which("zbarimg")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(
    ZBARIMG is None or PDFTOPPM is None,
    reason="needs zbarimg and pdftoppm (Debian packages zbar-tools and poppler-utils)",
)
def test_the_qr_code_decodes_to_the_verification_url(tmp_path: Path) -> None:
    view = _view()
    (tmp_path / "c.pdf").write_bytes(certificate_pdf(view))
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "150", str(tmp_path / "c.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (page,) = tmp_path.glob("page*.png")
    found = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(page)], capture_output=True, text=True, timeout=60
    )
    assert found.stdout.strip().splitlines() == [view.credential_url]


HOSTILE = {
    "font markup": "<font color=red>Mallory</font>",
    "entity": "Tom &amp; Jerry",
    "para": "<para>Eve</para>",
    "hebrew": "שלום עולם",
    "arabic digits and latin": "Ada 123",
    "cjk": "山田太郎",
    "emoji": "Ada 🎓",
    "quotes": 'O\'Brien "Bob"',
}
NEEDS_FALLBACK = {"cjk", "emoji"}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_names_come_back_as_written(case: str) -> None:
    if case in NEEDS_FALLBACK and len(fallback_fonts()) < 2:
        pytest.skip(
            "CJK and emoji need the fallback fonts (Debian packages fonts-droid-fallback and "
            "fonts-symbola; run .ci/system-packages.sh)"
        )
    name = HOSTILE[case]
    inputs = factory.full()
    inputs = dataclasses.replace(
        inputs,
        learner=dataclasses.replace(inputs.learner, name=name),
        achievement=dataclasses.replace(inputs.achievement, name=f"Badge {name}"),
        issuer=dataclasses.replace(inputs.issuer, name=f"Board {name}"),
    )
    text = _text(certificate_pdf(_view(inputs)))
    assert name in text
    assert f"Badge {name}" in text
    assert f"issued by Board {name}" in text
