"""Public HTML pages: a credential's verification page and an achievement's definition.

Plain HTML with inline CSS: no scripts, no fonts, images or styles from elsewhere, printable.
Every value is escaped (`html.escape`, quotes too). The only links are the credential's own
downloads (JSON, baked PNG and SVG, certificate PDF), the achievement page, and LinkedIn's
documented add-to-profile URL, a plain link that loads nothing from LinkedIn. Other URLs a
credential holds (the issuer's site, CASE items, the rubric) are shown as text.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from issuer.issuance.view import ACTIVE, EXPIRED, REVOKED, CredentialView

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"

_CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1d2b30; margin: 0;
       background: #f4f7f8; line-height: 1.45; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; background: #fff; }
header { display: flex; gap: 1.5rem; align-items: center; border-bottom: 3px solid #0f4c5c;
         padding-bottom: 1rem; }
header img { width: 8rem; height: 8rem; flex: none; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; color: #0f4c5c; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; color: #0f4c5c; border-bottom: 1px solid #cfdde1; }
.kind { text-transform: uppercase; letter-spacing: .08em; font-size: .85rem; color: #5a6b70; }
.status { padding: .75rem 1rem; border-radius: .4rem; font-weight: bold; margin: 1rem 0; }
.status.active { background: #e3f4e8; border: 2px solid #2e7d4a; color: #1c5230; }
.status.revoked { background: #fde8e6; border: 2px solid #b3261e; color: #7d1912; }
.status.expired { background: #fff4dc; border: 2px solid #a86d00; color: #6b4500; }
.check { padding: .6rem 1rem; border-left: 6px solid #2e7d4a; background: #f1f8f3; }
.check.failed { border-left-color: #b3261e; background: #fdf0ee; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dt { font-weight: bold; color: #3c4d52; }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #dde7ea;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef4f6; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
.actions a { display: inline-block; padding: .45rem .9rem; border: 2px solid #0f4c5c;
             border-radius: .3rem; color: #0f4c5c; text-decoration: none; font-weight: bold; }
.actions a.linkedin { background: #0a66c2; border-color: #0a66c2; color: #fff; }
.muted { color: #5a6b70; font-size: .9rem; }
@media print {
  body { background: #fff; }
  main { padding: 0; }
  .actions { display: none; }
}
""".strip()


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _date(timestamp: str | None) -> str:
    """'2026-03-04' from an ISO timestamp (the page shows dates; the JSON has the time)."""
    return timestamp[:10] if timestamp else ""


def _rows(rows: list[tuple[str, str]]) -> str:
    return "<dl>\n" + "\n".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows) + "\n</dl>"


def linkedin_url(view: CredentialView) -> str:
    """LinkedIn's documented add-to-profile link for this credential (a certification)."""
    params: dict[str, str] = {
        "startTask": "CERTIFICATION_NAME",
        "name": view.name,
        "organizationName": view.issuer_name,
        "issueYear": view.valid_from[:4],
        "issueMonth": str(int(view.valid_from[5:7])),
    }
    if view.valid_until:
        params["expirationYear"] = view.valid_until[:4]
        params["expirationMonth"] = str(int(view.valid_until[5:7]))
    params["certUrl"] = view.credential_url
    params["certId"] = urlsplit(view.credential_url).path.rsplit("/", 1)[-1]
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def _status(view: CredentialView) -> str:
    if view.status == REVOKED:
        reason = f": {_e(view.status_reason)}" if view.status_reason else ""
        return f'<p class="status revoked">Revoked — this credential is no longer valid{reason}</p>'
    if view.status == EXPIRED:
        return (
            f'<p class="status expired">Expired on {_e(_date(view.valid_until))} — it was '
            "valid until then</p>"
        )
    if view.status == ACTIVE:
        until = f" until {_e(_date(view.valid_until))}" if view.valid_until else ""
        return f'<p class="status active">Valid{until} — not revoked</p>'
    raise ValueError(f"unknown status {view.status!r}")


def _check(view: CredentialView) -> str:
    proof = view.proof
    if proof.ok:
        return (
            '<p class="check">Signature verified by this server on '
            f"{_e(proof.checked_at)}: DataIntegrityProof, eddsa-rdfc-2022, "
            f"key <code>{_e(proof.detail)}</code>. Anyone can check it again with the JSON "
            "below and the issuer's DID document.</p>"
        )
    return (
        '<p class="check failed">The signature did NOT verify when this server checked it on '
        f"{_e(proof.checked_at)}: {_e(proof.detail)}. Do not rely on this credential.</p>"
    )


def _results(view: CredentialView) -> str:
    if not view.criteria:
        return '<p class="muted">No per-criterion results.</p>'
    rows = "\n".join(
        "<tr>"
        f"<td>{_e(line.name)}</td>"
        f"<td><strong>{_e(line.level)}</strong>"
        f'<br><span class="muted">of {_e(" · ".join(line.levels))}</span></td>'
        f"<td>{_e(line.points) if line.points is not None else '—'}</td>"
        f"<td>{_e(line.required_level) if line.required_level else '—'}</td>"
        "</tr>"
        for line in view.criteria
    )
    score = f"<p>Rubric score: <strong>{_e(view.score)}</strong></p>" if view.score else ""
    return (
        "<table>\n<thead><tr><th>Criterion</th><th>Level achieved</th><th>Points</th>"
        f"<th>Minimum level</th></tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n{score}"
    )


def _evidence(view: CredentialView) -> str:
    items = [
        f'<tr><td>{_e(e.name)}<br><span class="muted">{_e(e.kind)}</span></td>'
        f"<td><code>{_e(e.id)}</code></td><td><code>{_e(e.digest)}</code></td></tr>"
        for e in view.evidence
    ]
    if view.rubric_url:
        items.append(
            "<tr><td>Rubric version applied</td>"
            f"<td><code>{_e(view.rubric_url)}</code></td>"
            f"<td><code>{_e(view.rubric_digest or '')}</code></td></tr>"
        )
    return (
        "<table>\n<thead><tr><th>Record</th><th>Identifier</th><th>Digest (SHA-256)</th></tr>"
        "</thead>\n<tbody>\n" + "\n".join(items) + "\n</tbody>\n</table>"
    )


def _alignment_list(items: list[tuple[str, str | None, str]]) -> str:
    """'Aligned to' with (name, type, url) per framework item; the URLs as text."""
    if not items:
        return ""
    lines = []
    for name, kind, url in items:
        kind_text = f" ({_e(kind)})" if kind else ""
        lines.append(f"<li>{_e(name)}{kind_text}: <code>{_e(url)}</code></li>")
    return "<h2>Aligned to</h2>\n<ul>\n" + "\n".join(lines) + "\n</ul>"


def _alignments(view: CredentialView) -> str:
    return _alignment_list([(a.name, a.kind, a.url) for a in view.alignments])


def credential_page(view: CredentialView) -> str:
    """The credential's public verification page."""
    learner = (
        f'{_e(view.learner_name)}<br><span class="muted">matches the identity hashed in the '
        "credential</span>"
        if view.learner_name
        else '<span class="muted">Name not published</span>'
    )
    validity = [
        ("Issued", _e(_date(view.valid_from))),
        ("Valid until", _e(_date(view.valid_until)) if view.valid_until else "No end date"),
    ]
    if view.renews_url:
        validity.append(("Renews", f"<code>{_e(view.renews_url)}</code>"))
    learner_rows = _rows(
        [("Name", learner), ("Learner identifier", f"<code>{_e(view.learner_id)}</code>")]
    )
    definition = f'<a href="{_e(view.achievement_url)}">{_e(view.achievement_url)}</a>'
    achievement_rows = _rows(
        [
            ("Description", _e(view.description)),
            ("Criteria", _e(view.criteria_narrative)),
            ("Definition", definition),
        ]
    )
    issuer_rows = _rows(
        [
            ("Name", _e(view.issuer_name)),
            ("Web site", f"<code>{_e(view.issuer_url)}</code>"),
            ("Identifier", f"<code>{_e(view.issuer_did)}</code>"),
        ]
    )
    body = f"""
<header>
<img src="{_e(view.links.png)}" alt="{_e(view.achievement_type)}: {_e(view.name)}">
<div>
<div class="kind">{_e(view.achievement_type)}</div>
<h1>{_e(view.name)}</h1>
<div>Issued by <strong>{_e(view.issuer_name)}</strong></div>
</div>
</header>
{_status(view)}
{_check(view)}
<nav class="actions" aria-label="Download and share">
<a href="{_e(view.links.png)}" download>Badge image (PNG)</a>
<a href="{_e(view.links.svg)}" download>Badge image (SVG)</a>
<a href="{_e(view.links.pdf)}" download>Certificate (PDF)</a>
<a href="{_e(view.links.json)}" download>Credential (JSON)</a>
<a class="linkedin" href="{_e(linkedin_url(view))}"
 rel="noopener noreferrer">Add to LinkedIn profile</a>
</nav>
<h2>Learner</h2>
{learner_rows}
<h2>Achievement</h2>
{achievement_rows}
{_alignments(view)}
<h2>Results</h2>
{_results(view)}
<h2>Evidence</h2>
{_evidence(view)}
<h2>Validity</h2>
{_rows(validity)}
<h2>Issuer</h2>
{issuer_rows}
<p class="muted">Credential <code>{_e(view.credential_url)}</code> — an Open Badges 3.0
credential. This page shows what the signed credential says.</p>
""".strip()
    return _page(f"{view.name} — {view.issuer_name}", body)


def achievement_page(
    achievement: dict[str, Any], issuer_name: str, *, image_url: str | None = None
) -> str:
    """The achievement's public definition, from its OB 3.0 JSON (`credential.achievement_json`)."""
    criteria_rows = []
    for description in achievement.get("resultDescription", []):
        if description.get("resultType") != "RubricCriterionLevel":
            continue
        levels = " · ".join(
            f"{level.get('name')}"
            + (f" ({level.get('points')} pts)" if level.get("points") is not None else "")
            for level in description.get("rubricCriterionLevel", [])
        )
        criteria_rows.append(
            f"<tr><td>{_e(description.get('name', ''))}</td><td>{_e(levels)}</td></tr>"
        )
    kind = str(achievement.get("achievementType", ""))
    image = image_url or (achievement.get("image") or {}).get("id", "")
    alignments = _alignment_list(
        [
            (str(a.get("targetName", "")), a.get("targetType"), str(a.get("targetUrl", "")))
            for a in achievement.get("alignment", [])
        ]
    )
    rows_html = "\n".join(criteria_rows)
    name = str(achievement.get("name", ""))
    narrative = (achievement.get("criteria") or {}).get("narrative", "")
    body = f"""
<header>
<img src="{_e(image)}" alt="{_e(name)}">
<div>
<div class="kind">{_e(kind)}</div>
<h1>{_e(name)}</h1>
<div>Offered by <strong>{_e(issuer_name)}</strong></div>
</div>
</header>
<h2>Description</h2>
<p>{_e(achievement.get("description", ""))}</p>
<h2>Criteria</h2>
<p>{_e(narrative)}</p>
<table>
<thead><tr><th>Criterion</th><th>Levels, lowest first</th></tr></thead>
<tbody>
{rows_html}
</tbody>
</table>
{alignments}
<p class="muted">Achievement <code>{_e(achievement.get("id", ""))}</code> — Open Badges 3.0.</p>
""".strip()
    return _page(f"{name} — {issuer_name}", body)
