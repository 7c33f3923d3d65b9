"""The public pages: escaped, no scripts, no outside resources, and what they show comes from
the signed credential. One is opened in headless Chromium and the screenshot kept."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from issuer.issuance.badge_image import badge_png
from issuer.issuance.baking import bake_png
from issuer.issuance.credential import achievement_json
from issuer.issuance.pages import achievement_page, credential_page, linkedin_url
from issuer.issuance.view import (
    ACTIVE,
    EXPIRED,
    REVOKED,
    CredentialView,
    Links,
    ProofCheck,
    credential_view,
)
from tests.issuer.issuance import factory

NOW = "2026-05-01T09:00:00Z"
REPO = Path(__file__).resolve().parents[3]


class _Page(HTMLParser):
    """Collects text, tags, and every URL the page refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in {"href", "src", "action", "srcset", "poster", "data"} and value is not None:
                self.urls.append((tag, name, value))
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        else:
            self.text.append(data)

    @property
    def joined(self) -> str:
        return " ".join(" ".join(self.text).split())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _view(inputs: Any = None, **changes: Any) -> CredentialView:
    inputs = inputs or factory.full()
    signed = factory.signed(inputs)
    view = credential_view(
        signed,
        proof=ProofCheck(True, signed["proof"][0]["verificationMethod"], NOW),
        links=Links.for_credential(signed["id"]),
        now=NOW,
        learner_name=inputs.learner.name,
    )
    return dataclasses.replace(view, **changes)


def test_the_page_shows_what_the_credential_says() -> None:
    page = _parse(credential_page(_view()))
    text = page.joined
    for expected in (
        "Safe Lifting",
        "Micro-credential",
        "Example Skills Board",
        "Ada Lovelace",
        "urn:uuid:0192d3c4-0000-7000-8000-000000000001",
        "Lifts loads safely in a warehouse.",
        "Posture",
        "Proficient",
        "Planning the lift",
        "Exemplary",
        "Rubric score: 5 of 6",
        factory.DIGEST_A,
        factory.DIGEST_B,
        factory.DIGEST_C,
        "Manager sign-off",
        "2026-03-04",
        "2028-03-03",
        "Valid until 2028-03-03 — not revoked",
        "Signature verified by this server",
        factory.DID,
        "https://badges.example.org/credentials/0192d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",  # renews
    ):
        assert expected in text, expected


def test_a_name_that_does_not_match_the_hashed_identity_is_not_shown() -> None:
    inputs = factory.full()
    signed = factory.signed(inputs)
    view = credential_view(
        signed,
        proof=ProofCheck(True, "k", NOW),
        links=Links.for_credential(signed["id"]),
        now=NOW,
        learner_name="Somebody Else",
    )
    assert view.learner_name is None
    assert "Somebody Else" not in credential_page(view)


@pytest.mark.parametrize(
    ("status", "reason", "words"),
    [
        (ACTIVE, None, "Valid until 2028-03-03 — not revoked"),
        (
            REVOKED,
            "Issued in error <b>",
            "Revoked — this credential is no longer valid: Issued in error <b>",
        ),
        (EXPIRED, None, "Expired on 2028-03-03"),
    ],
)
def test_status_is_shown_in_words(status: str, reason: str | None, words: str) -> None:
    assert words in _parse(credential_page(_view(status=status, status_reason=reason))).joined


def test_status_follows_revocation_and_expiry() -> None:
    signed = factory.signed(factory.full())
    common = {"proof": ProofCheck(True, "k", NOW), "links": Links.for_credential(signed["id"])}
    assert credential_view(signed, now=NOW, **common).status == ACTIVE  # type: ignore[arg-type]
    assert credential_view(signed, now="2028-03-03T10:00:00Z", **common).status == EXPIRED  # type: ignore[arg-type]
    revoked = credential_view(signed, now=NOW, revoked=True, revocation_reason="why", **common)  # type: ignore[arg-type]
    assert (revoked.status, revoked.status_reason) == (REVOKED, "why")


def test_a_failed_verification_is_shown_as_such() -> None:
    page = _parse(
        credential_page(_view(proof=ProofCheck(False, "the signature does not match", NOW)))
    )
    assert "The signature did NOT verify" in page.joined
    assert "the signature does not match" in page.joined
    assert "Signature verified" not in page.joined


@pytest.mark.parametrize("make", [factory.hostile], ids=["hostile"])
def test_hostile_values_come_back_as_text(make: Any) -> None:
    inputs = make()
    view = _view(inputs, status=REVOKED, status_reason=factory.HOSTILE)
    html = credential_page(view)
    page = _parse(html)
    assert "script" not in page.tags
    assert "font" not in page.tags and "para" not in page.tags
    text = page.joined
    squeeze = lambda s: " ".join(s.split())  # noqa: E731
    assert squeeze(inputs.achievement.name) in text
    assert squeeze(inputs.achievement.description) in text
    assert squeeze(inputs.learner.name) in text
    assert squeeze(inputs.issuer.name) in text
    assert squeeze(factory.HOSTILE) in text
    # the title too
    assert f"<title>{'Safe &lt;font'}" in html


def test_no_scripts_and_no_outside_resources() -> None:
    view = _view()
    html = credential_page(view)
    page = _parse(html)
    assert "script" not in page.tags and "iframe" not in page.tags and "link" not in page.tags
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert "url(" not in " ".join(page.styles) and "@import" not in " ".join(page.styles)
    allowed = {
        view.links.json,
        view.links.png,
        view.links.svg,
        view.links.pdf,
        view.achievement_url,
        linkedin_url(view),
    }
    assert {url for _, _, url in page.urls} == allowed
    # loaded resources (img src) are the issuer's own badge only
    assert [url for tag, attr, url in page.urls if attr == "src"] == [view.links.png]


def test_the_linkedin_link_is_the_documented_add_to_profile_form() -> None:
    view = _view()
    url = urlsplit(linkedin_url(view))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Safe Lifting",
        "organizationName": "Example Skills Board",
        "issueYear": "2026",
        "issueMonth": "3",
        "expirationYear": "2028",
        "expirationMonth": "3",
        "certUrl": view.credential_url,
        "certId": "0192d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6e",
    }


def test_the_achievement_page_shows_the_definition_escaped() -> None:
    inputs = factory.hostile()
    document = achievement_json(inputs.base, inputs.achievement, "6")
    html = achievement_page(document, inputs.issuer.name)
    page = _parse(html)
    assert "script" not in page.tags and "font" not in page.tags
    text = page.joined
    squeeze = lambda s: " ".join(s.split())  # noqa: E731
    assert squeeze(inputs.achievement.name) in text
    assert squeeze(inputs.achievement.criteria_narrative) in text
    assert "(CFRubric)" in text
    assert {url for _, _, url in page.urls} == {document["image"]["id"]}


# ---- a real browser -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (Debian package chromium)")
def test_the_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    """Renders the page to PNG. With ISSUER_SCREENSHOTS=DIR the picture is also copied there
    (docs/screenshots/credential-page.png was made that way and looked at)."""
    inputs = factory.full()
    signed = factory.signed(inputs)
    (tmp_path / "badge.png").write_bytes(
        bake_png(badge_png(inputs.achievement.name, inputs.achievement.level), json.dumps(signed))
    )
    links = Links(json="credential.json", png="badge.png", svg="badge.svg", pdf="certificate.pdf")
    view = credential_view(
        signed,
        proof=ProofCheck(True, signed["proof"][0]["verificationMethod"], NOW),
        links=links,
        now=NOW,
        learner_name=inputs.learner.name,
    )
    page = tmp_path / "page.html"
    page.write_text(credential_page(view), encoding="utf-8")
    shot = tmp_path / "credential-page.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,1600",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from PIL import Image

    image = Image.open(shot)
    assert image.size == (1280, 1600)
    # Not a blank page: the green status box and the dark title colour are there.
    colours = {colour for _, colour in image.convert("RGB").getcolors(1280 * 1600) or []}
    assert (0xE3, 0xF4, 0xE8) in colours  # .status.active background
    assert len(colours) > 50
    keep = os.environ.get("ISSUER_SCREENSHOTS")
    if keep:
        shutil.copy(shot, Path(keep) / "credential-page.png")
