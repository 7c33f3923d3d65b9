"""A package hands work to another assessor (issue 10, item 3): its catalogue carries the
assessment, its achievement and the exact rubric version, checked against its digest, so a data
folder that has only a profile can score and finalize the work. What contradicts the folder,
or was changed after export, is refused naming the entry, and nothing is written."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assessor.domain.errors import DomainError, ValidationFailed
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes
from assessor.services.finalize import finalize
from assessor.services.intake import import_package
from assessor.services.package_export import export_package
from assessor.services.profiles import add_profile, unlock
from assessor.services.rubrics import import_rubric
from assessor.services.scoring import SetLevel, save_draft, show_evaluation
from assessor.services.verify import verify_store
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import PASSPHRASE, Seed, sample_rubric, sealed_key, seed
from tests.services.package_corpus import good_package

TABLES = (
    m.Rubric,
    m.RubricVersion,
    m.Achievement,
    m.Assessment,
    m.Learner,
    m.Submission,
    m.Artifact,
    m.AuditEvent,
)
ENTRY = "rubrics/wiring@1.json"


@pytest.fixture
def handover(db: Database, tmp_path: Path) -> tuple[Seed, Path]:
    """A package exported from a seeded folder: two submissions without files, and one with
    two (its entries are 003/001-method.txt and 003/002-report.pdf)."""
    seeded = seed(db, submissions=2)
    first = tmp_path / "first.zip"
    first.write_bytes(good_package())
    import_package(db, first)
    out = tmp_path / "handover.zip"
    export_package(db, [*seeded.submission_ids, "pkg-001"], out)
    return seeded, out


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[tuple[Database, str]]:
    """A data folder with one assessor profile and nothing else."""
    with Database.open(tmp_path / "bare") as other:
        with other.write() as tx:
            profile = add_profile(tx, "Sam Second", ["assessor"], sealed_key())
        yield other, profile.id


def _entries(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rewrite(
    package: Path,
    target: Path,
    *,
    manifest: Callable[[dict[str, Any]], object] | None = None,
    entries: dict[str, bytes] | None = None,
) -> Path:
    """A copy of `package` with the manifest edited and entries replaced."""
    files = _entries(package) | (entries or {})
    if manifest is not None:
        doc = json.loads(files["manifest.json"])
        manifest(doc)
        files["manifest.json"] = json.dumps(doc).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def _state(db: Database) -> tuple[object, ...]:
    with db.read() as tx:
        counts = tuple(tx.query(t).count() for t in TABLES)
    blobs = sorted(p.name for p in db.blobs.root.rglob("*") if p.is_file())
    return counts, blobs


def _refused(db: Database, package: Path) -> str:
    before = _state(db)
    with pytest.raises(ValidationFailed) as caught:
        import_package(db, package)
    assert _state(db) == before, "a refused package writes nothing"
    return "\n".join(caught.value.lines())


# ---- the handover -------------------------------------------------------------------------


def test_export_import_into_a_folder_with_only_a_profile_then_score_finalize_verify(
    handover: tuple[Seed, Path], bare: tuple[Database, str]
) -> None:
    seeded, package = handover
    other, assessor_id = bare
    result = import_package(other, package)
    assert result.imported == (*seeded.submission_ids, "pkg-001")
    assert (result.new_assessments, result.new_rubrics) == (("wiring-l2",), ("wiring@1",))
    digest = digest_bytes(canonicalize(seeded.rubric.to_document()))
    with other.read() as tx:
        assessment = tx.get(m.Assessment, "wiring-l2")
        assert assessment is not None and assessment.achievement_id == "badge"
        version = assessment.rubric_version
        assert (version.rubric_id, version.version, version.digest) == ("wiring", 1, digest)
        assert version.published_at is not None and version.source_format == "package"
        event = tx.query(m.AuditEvent).filter_by(action="package.import").one()
        catalogue = json.loads(event.payload)["catalogue"]
        actions = [e.action for e in tx.query(m.AuditEvent).order_by(m.AuditEvent.seq)]
    assert [a["id"] for a in catalogue["assessments"]] == ["wiring-l2"]
    assert catalogue["rubrics"] == [{"id": "wiring", "version": 1, "digest": digest}]
    assert actions[-3:] == ["rubric.import", "rubric.publish", "package.import"]
    # Sam scores and finalizes the work against the very rubric version it was set with.
    sub = seeded.submission_ids[0]
    changes = [SetLevel(c.id, c.levels[-1].id) for c in seeded.rubric.criteria]
    save_draft(other, sub, assessor_id, list(changes))
    done = finalize(other, sub, unlock(other, assessor_id, PASSPHRASE))
    shown = show_evaluation(other, sub)
    assert shown.status == "finalized" and shown.record == (done.record_id, done.digest)
    assert shown.rubric_digest == digest and shown.result.outcome.value == "pass"
    report = verify_store(other)
    assert report.ok and report.records == 1
    # Handing the same package over again changes nothing.
    again = import_package(other, package)
    assert again.imported == () and again.unchanged == (*seeded.submission_ids, "pkg-001")
    assert again.new_assessments == again.new_rubrics == ()


def test_the_folder_the_work_came_from_takes_its_own_package_back_unchanged(
    db: Database, handover: tuple[Seed, Path]
) -> None:
    seeded, package = handover
    before = _state(db)
    result = import_package(db, package)
    assert result.unchanged == (*seeded.submission_ids, "pkg-001") and result.imported == ()
    assert _state(db) == before


def test_a_format_1_package_still_imports_into_a_folder_that_has_the_assessment(
    db: Database, tmp_path: Path
) -> None:
    seed(db, submissions=0)
    package = tmp_path / "old.zip"
    package.write_bytes(good_package())  # formatVersion 1, no catalogue
    assert import_package(db, package).imported == ("pkg-001",)


def test_a_format_1_package_says_what_is_missing_and_how_to_get_it(
    bare: tuple[Database, str], tmp_path: Path
) -> None:
    other, _ = bare
    package = tmp_path / "old.zip"
    package.write_bytes(good_package())
    lines = _refused(other, package)
    assert "manifest.json/submissions/0/assessment: unknown assessment 'wiring-l2'" in lines
    assert "The package does not carry it" in lines and "assessor package export" in lines


# ---- refused: changed after export, or contradicting the folder ---------------------------


def test_a_rubric_document_changed_after_export_is_refused_naming_the_entry(
    handover: tuple[Seed, Path], bare: tuple[Database, str], tmp_path: Path
) -> None:
    _, package = handover
    other, _ = bare
    document = json.loads(_entries(package)[ENTRY])
    document["criteria"][0]["levels"][0]["points"] = 1  # "not yet" now earns a point
    document["criteria"][0]["levels"][1]["points"] = 2
    document["criteria"][0]["levels"][2]["points"] = 3
    document["criteria"][0]["levels"][3]["points"] = 4
    tampered = _rewrite(package, tmp_path / "t.zip", entries={ENTRY: canonicalize(document)})
    lines = _refused(other, tampered)
    assert f"{tampered}: entry '{ENTRY}': the rubric document's digest is uEi" in lines
    assert "the document was changed after it was exported" in lines


def test_a_rubric_version_with_the_same_id_and_version_but_other_content_is_refused(
    handover: tuple[Seed, Path], bare: tuple[Database, str]
) -> None:
    seeded, package = handover
    other, _ = bare
    mine = dataclasses.replace(sample_rubric(), title="Wiring, as this folder has it")
    with other.write() as tx:
        local = import_rubric(tx, mine, source_format="test", actor="system")
    assert (local.id, local.version) == ("wiring", 1)
    lines = _refused(other, package)
    theirs = digest_bytes(canonicalize(seeded.rubric.to_document()))
    assert (
        f"{package}: manifest.json/catalogue/rubrics/0: rubric version wiring@1 exists in this "
        f"data folder with other content ({local.digest}); the package's wiring@1 is {theirs}"
    ) in lines


def test_the_same_rubric_as_a_draft_here_must_be_published_first(
    handover: tuple[Seed, Path], bare: tuple[Database, str]
) -> None:
    _, package = handover
    other, _ = bare
    with other.write() as tx:
        import_rubric(tx, sample_rubric(), source_format="test", actor="system", publish=False)
    lines = _refused(other, package)
    assert "manifest.json/catalogue/rubrics/0: rubric version wiring@1" in lines
    assert "is an unpublished draft" in lines and f"entry '{ENTRY}'" in lines


def test_the_same_content_numbered_otherwise_here_is_used_and_said(
    handover: tuple[Seed, Path], bare: tuple[Database, str]
) -> None:
    seeded, package = handover
    other, _ = bare
    with other.write() as tx:
        first = dataclasses.replace(sample_rubric(), title="An older wiring rubric")
        import_rubric(tx, first, source_format="test", actor="system")
        import_rubric(tx, sample_rubric(), source_format="test", actor="system")
    result = import_package(other, package)
    assert result.new_rubrics == () and result.new_assessments == ("wiring-l2",)
    assert result.notes == (
        f"rubric wiring@1 of the package is wiring@2 here (the same content, "
        f"{digest_bytes(canonicalize(seeded.rubric.to_document()))})",
    )


def test_an_assessment_here_with_another_rubric_or_blindness_is_refused(
    db: Database, handover: tuple[Seed, Path], tmp_path: Path
) -> None:
    _, package = handover
    other_rubric = _rewrite(
        package,
        tmp_path / "a.zip",
        manifest=lambda d: d["catalogue"]["assessments"][0].update(blindMarking=True),
    )
    lines = _refused(db, other_rubric)
    assert (
        "manifest.json/catalogue/assessments/0: assessment 'wiring-l2' is not as in this data "
        "folder: blindMarking: here False, in the package True"
    ) in lines


def test_an_assessment_here_applying_another_rubric_version_is_refused(
    db: Database, handover: tuple[Seed, Path], tmp_path: Path
) -> None:
    _, package = handover
    newer = dataclasses.replace(sample_rubric(), title="Wiring (2027)")
    with db.write() as tx:
        info = import_rubric(tx, newer, source_format="test", actor="system")
        version = tx.query(m.RubricVersion).filter_by(digest=info.digest).one()
        assessment = tx.get(m.Assessment, "wiring-l2")
        assert assessment is not None
        assessment.rubric_version_id = version.id
    lines = _refused(db, package)
    assert (
        f"manifest.json/catalogue/assessments/0/rubric: assessment 'wiring-l2' applies rubric "
        f"wiring@2 ({info.digest}) in this data folder; the package's applies wiring@1"
    ) in lines


@pytest.mark.parametrize(
    ("edit", "entries", "expected"),
    [
        (
            lambda d: d.update(formatVersion=1),
            None,
            "manifest.json: a formatVersion 1 manifest has no 'catalogue'",
        ),
        (
            lambda d: d.pop("catalogue"),
            None,
            "manifest.json: ",
        ),
        (
            lambda d: d["catalogue"]["rubrics"][0].update(entry="nowhere.json"),
            None,
            "manifest.json/catalogue/rubrics/0/entry: no entry 'nowhere.json' in the package",
        ),
        (
            lambda d: d["catalogue"]["rubrics"][0].update(entry="003/001-method.txt"),
            None,
            "manifest.json/catalogue/rubrics/0/entry: entry '003/001-method.txt' is already the "
            "file of manifest.json/submissions/2/artifacts/0",
        ),
        (
            lambda d: d["catalogue"]["rubrics"][0].update(entry="manifest.json"),
            None,
            "manifest.json/catalogue/rubrics/0/entry: entry 'manifest.json' is the manifest",
        ),
        (
            lambda d: d["catalogue"]["assessments"][0].update(achievement="other"),
            None,
            "manifest.json/catalogue/assessments/0/achievement: achievement 'other' is not in",
        ),
        (
            lambda d: d["catalogue"]["assessments"].append(
                d["catalogue"]["assessments"][0] | {"id": "stowaway"}
            ),
            None,
            "manifest.json/catalogue/assessments/1: assessment 'stowaway' is not one of the "
            "submissions'",
        ),
        (
            lambda d: d["catalogue"]["achievements"].append(
                {"id": "extra", "title": "Extra", "kind": "badge"}
            ),
            None,
            "manifest.json/catalogue/achievements/1: achievement 'extra' is no assessment's here",
        ),
        (
            lambda d: d["catalogue"]["rubrics"].append(
                d["catalogue"]["rubrics"][0] | {"version": 9, "digest": "uEi" + "A" * 44}
            ),
            None,
            "manifest.json/catalogue/rubrics/1: rubric version wiring@9 is no assessment's here",
        ),
        (
            lambda d: d["catalogue"]["assessments"][0]["rubric"].update(version=2),
            None,
            "manifest.json/catalogue/assessments/0/rubric: names wiring@2 for digest",
        ),
        (
            None,
            {ENTRY: b'{"format": "assessor-rubric/1", "id": "wiring"'},
            f"entry '{ENTRY}' line 1 column 47: Expecting",
        ),
        (
            None,
            {ENTRY: json.dumps({"CFDocument": {}, "CFRubrics": []}).encode()},
            f"entry '{ENTRY}' /CFDocument: missing required field 'identifier'",
        ),
    ],
)
def test_a_broken_catalogue_is_refused_at_its_place(
    handover: tuple[Seed, Path],
    bare: tuple[Database, str],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], object] | None,
    entries: dict[str, bytes] | None,
    expected: str,
) -> None:
    _, package = handover
    other, _ = bare
    broken = _rewrite(package, tmp_path / "b.zip", manifest=edit, entries=entries)
    assert expected in _refused(other, broken)


def _catalogue_rubric_with(text: str) -> Callable[[dict[str, Any]], bytes]:
    def make(document: dict[str, Any]) -> bytes:
        data = canonicalize(document)
        if "weight" in text:
            return data.replace(b'"title":"Plan the route","weight":1', text.encode())
        return data.replace(b'"title":"Plan the route"', text.encode())

    return make


@pytest.mark.parametrize(
    ("replacement", "location", "fragment"),
    [
        ('"title":"Plan\\u001b[2J"', "/criteria/0/title", "control character (U+001B"),
        (
            '"title":"Plan the route","weight":"1.00001"',
            "/criteria/0/weight",
            "more than 4 decimal places",
        ),
        ('"title":"Plan\\ud800"', "/criteria/0/title", "lone surrogate"),
    ],
)
def test_a_carried_rubric_is_checked_as_any_rubric_file(
    handover: tuple[Seed, Path],
    bare: tuple[Database, str],
    tmp_path: Path,
    replacement: str,
    location: str,
    fragment: str,
) -> None:
    """Control characters, numbers beyond the precision bound and text that is not Unicode
    are refused in a package's rubric as in any rubric file (issue 11, items 5, 8, 9)."""
    _, package = handover
    other, _ = bare
    document = json.loads(_entries(package)[ENTRY])
    data = _catalogue_rubric_with(replacement)(document)
    assert data != canonicalize(document)
    broken = _rewrite(package, tmp_path / "r.zip", entries={ENTRY: data})
    lines = _refused(other, broken)
    assert f"entry '{ENTRY}' {location}: " in lines and fragment in lines


# ---- dates and text the manifest cannot hold (issue 11, item 8) ---------------------------


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00", "2026-11-20T09:30:00"],
)
@pytest.mark.parametrize(
    ("edit_at", "location"),
    [
        (lambda d, v: d["submissions"][0].update(submittedAt=v), "submissions/0/submittedAt"),
        (lambda d, v: d["catalogue"]["assessments"][0].update(dueAt=v), "assessments/0/dueAt"),
    ],
)
def test_dates_out_of_range_or_without_an_offset_are_refused_naming_the_field(
    handover: tuple[Seed, Path],
    bare: tuple[Database, str],
    tmp_path: Path,
    value: str,
    edit_at: Callable[[dict[str, Any], str], object],
    location: str,
) -> None:
    _, package = handover
    other, _ = bare
    broken = _rewrite(package, tmp_path / "d.zip", manifest=lambda d: edit_at(d, value))
    lines = _refused(other, broken)
    assert f"{location}: '{value}' is not a date-time this program can keep" in lines


def test_a_lone_surrogate_in_the_manifest_is_refused_with_its_place(
    handover: tuple[Seed, Path], bare: tuple[Database, str], tmp_path: Path
) -> None:
    _, package = handover
    other, _ = bare
    files = _entries(package)
    text = files["manifest.json"].decode().replace('"title": "Badge"', '"title": "Bad\\udc00ge"')
    broken = _rewrite(package, tmp_path / "s.zip", entries={"manifest.json": text.encode()})
    with pytest.raises(ValidationFailed) as caught:
        import_package(other, broken)
    assert caught.value.lines() == [
        f"{broken}: manifest.json/catalogue/achievements/0/title: holds a lone surrogate "
        "(\\ud800–\\udfff): not Unicode text"
    ]


def test_invalid_utf8_in_the_manifest_is_refused_with_the_byte(
    handover: tuple[Seed, Path], bare: tuple[Database, str], tmp_path: Path
) -> None:
    _, package = handover
    other, _ = bare
    data = _entries(package)["manifest.json"].replace(b'"Badge"', b'"B\xffdge"')
    broken = _rewrite(package, tmp_path / "u.zip", entries={"manifest.json": data})
    with zipfile.ZipFile(broken) as zf:
        assert b"\xff" in zf.read("manifest.json")
    lines = _refused(other, broken)
    assert f"{broken}: manifest.json byte " in lines and "not UTF-8 text" in lines


def test_export_refuses_an_assessment_whose_rubric_is_a_draft(db: Database, tmp_path: Path) -> None:
    seeded = seed(db, submissions=1)
    with db.write() as tx:
        draft = dataclasses.replace(sample_rubric(), title="Still being written")
        info = import_rubric(tx, draft, source_format="test", actor="system", publish=False)
        version = tx.query(m.RubricVersion).filter_by(digest=info.digest).one()
        assessment = tx.get(m.Assessment, "wiring-l2")
        assert assessment is not None
        assessment.rubric_version_id = version.id
    out = tmp_path / "x.zip"
    with pytest.raises(DomainError, match="wiring@2, an unpublished draft"):
        export_package(db, seeded.submission_ids, out)
    assert not out.exists()
