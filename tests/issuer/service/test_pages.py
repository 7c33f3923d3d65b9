"""The public pages served by the real server: HTML and JSON by content negotiation, the
baked badge images, the certificate, the achievement page; one look in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from assessor.security.records import record_digest
from assessor.sync import protocol as p
from issuer.issuance import baking
from tests.issuer.service.conftest import World
from tests.issuer.service.harness import Issuer

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def issued(world: World) -> tuple[dict[str, object], p.CredentialItem]:
    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    record = world.score(world.assign("wiring-a"))
    assert device.send(record)[0].state is p.AnswerState.ACCEPTED
    [item] = device.credentials().credentials
    return record, item


def test_the_credential_page_shows_what_was_signed_and_the_servers_check(world: World) -> None:
    record, item = issued(world)
    page = httpx.get(item.url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    text = page.text
    assert "Safe isolation" in text  # the achievement
    assert "Test Training" in text  # the issuer
    assert "Prove dead" in text and "Proficient" in text  # criteria and a level achieved
    assert record_digest(record) in text  # the evidence digest
    assert "<script" not in text.lower()
    assert "verif" in text.lower()
    credential = httpx.get(item.url, headers={"Accept": "application/json"}).json()
    assert credential["id"] == item.url
    assert httpx.get(item.url + ".json").json() == credential


def test_baked_badges_carry_the_credential_and_the_certificate_is_a_pdf(world: World) -> None:
    _, item = issued(world)
    credential = httpx.get(item.url + ".json").text
    png = httpx.get(item.url + "/badge.png")
    assert png.headers["content-type"] == "image/png"
    assert json.loads(baking.unbake_png(png.content) or "null") == json.loads(credential)
    svg = httpx.get(item.url + "/badge.svg")
    assert json.loads(baking.unbake_svg(svg.text) or "null") == json.loads(credential)
    pdf = httpx.get(item.url + "/certificate.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_achievement_page_and_its_json(server: Issuer) -> None:
    html = httpx.get(f"{server.base_url}/achievements/badge-a")
    assert html.status_code == 200 and "Safe isolation" in html.text and "Prove dead" in html.text
    described = httpx.get(
        f"{server.base_url}/achievements/badge-a", headers={"Accept": "application/json"}
    ).json()
    assert described["type"] == ["Achievement"] and described["achievementType"] == "Badge"
    micro = httpx.get(
        f"{server.base_url}/achievements/micro-ab", headers={"Accept": "application/json"}
    ).json()
    assert {d["name"] for d in micro["resultDescription"]} == {
        "Safe isolation",
        "Ring final circuit project",
    }
    missing = httpx.get(f"{server.base_url}/achievements/nope")
    assert missing.status_code == 404
    assert p.parse_problem(missing.json()).type is p.ProblemType.NOT_FOUND


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("needs the Debian package chromium")
    return found


def screenshot(url: str, out: Path) -> None:
    """Headless Chromium, no network beyond 127.0.0.1, a throwaway profile."""
    with tempfile.TemporaryDirectory() as profile:
        command = [
            chromium(), "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            "--window-size=1000,1500", f"--screenshot={out}", url,
        ]  # fmt: skip
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium's sandbox refuses to run as root
        subprocess.run(command, capture_output=True, timeout=120, check=True)


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_the_credential_page_in_headless_chromium(world: World, tmp_path: Path) -> None:
    _, item = issued(world)
    shot = tmp_path / "credential.png"
    screenshot(item.url, shot)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a page was drawn, not a blank
    if os.environ.get("ISSUER_KEEP_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / "issuer-credential.png")
