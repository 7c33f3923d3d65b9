"""Package import and export: a good package round-trips; every hostile one is refused with
the entry and the reason, and leaves nothing behind (no rows, no blobs, no temp files)."""

from __future__ import annotations

import hashlib
import json
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.domain.errors import ValidationFailed
from assessor.services.intake import ImportResult, import_package
from assessor.services.package_export import export_package
from assessor.services.package_zip import Limits
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import seed
from tests.services.package_corpus import (
    PDF,
    TEXT,
    Raw,
    artifact,
    deflate,
    good_files,
    good_package,
    hostile,
    manifest,
    raw_zip,
)

TABLES = (m.Learner, m.Submission, m.Artifact, m.AuditEvent)


@pytest.fixture
def store(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    seed(db, submissions=1)
    # Whatever an import does, it writes nothing to the working folder.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    yield db
    assert list(cwd.iterdir()) == []


def _files(root: Path) -> set[str]:
    skip = ("assessor.db", "assessor.lock")
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(skip)
    }


def _state(db: Database, inbox: Path) -> tuple[object, ...]:
    with db.read() as tx:
        counts = tuple(tx.query(t).count() for t in TABLES)
    return counts, _files(db.data_dir), _files(inbox)


def _refused(db: Database, tmp_path: Path, data: bytes, limits: Limits | None = None) -> str:
    """Import `data`; assert it is refused and nothing changed; return the message lines."""
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    package = inbox / "hostile.zip"
    package.write_bytes(data)
    before = _state(db, inbox)
    with pytest.raises(ValidationFailed) as caught:
        import_package(db, package, limits=limits)
    assert _state(db, inbox) == before
    tmp = db.blobs.root / "tmp"
    assert not tmp.exists() or not list(tmp.iterdir())
    lines = "\n".join(caught.value.lines())
    assert lines.startswith(str(package) + ": ")
    return lines


def _import(db: Database, tmp_path: Path, data: bytes, name: str = "good.zip") -> ImportResult:
    package = tmp_path / name
    package.write_bytes(data)
    return import_package(db, package)


# ---- the good path ----------------------------------------------------------------------


def test_good_package_imports_rows_blobs_and_one_event(store: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    package = tmp_path / "good.zip"
    package.write_bytes(good_package())
    result = import_package(store, package, progress=lambda d, t: seen.append((d, t)))
    assert result.imported == ("pkg-001",) and result.new_learners == 1
    assert result.artifacts == 2 and result.bytes == len(TEXT) + len(PDF)
    assert seen[-1] == (len(TEXT) + len(PDF), len(TEXT) + len(PDF))
    with store.read() as tx:
        rows = tx.query(m.Artifact).filter_by(submission_id="pkg-001").order_by(m.Artifact.position)
        got = [(a.name, a.media_type, a.size, a.sha256) for a in rows]
        learner = tx.get(m.Learner, "learner-new")
        code = learner.anonymous_code if learner else None
        events = tx.query(m.AuditEvent).filter_by(action="package.import").count()
    assert got == [
        ("method.txt", "text/plain", len(TEXT), hashlib.sha256(TEXT).hexdigest()),
        ("report.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest()),
    ]
    assert code == "C-NEW01"
    assert events == 1
    assert store.blobs.read_bytes(hashlib.sha256(PDF).hexdigest()) == PDF


def test_importing_the_same_package_again_changes_nothing(store: Database, tmp_path: Path) -> None:
    _import(store, tmp_path, good_package())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    before = _state(store, inbox)
    again = _import(store, tmp_path, good_package(), "again.zip")
    assert again.imported == () and again.unchanged == ("pkg-001",)
    assert _state(store, inbox)[:2] == before[:2]


def test_same_id_with_other_content_is_refused(store: Database, tmp_path: Path) -> None:
    _import(store, tmp_path, good_package())
    files = good_files() | {"method.txt": (b"changed\n", "text/plain")}
    lines = _refused(store, tmp_path, good_package(files))
    assert "submissions/0/id: submission 'pkg-001' already exists with other content" in lines


def test_export_then_import_elsewhere_reproduces_digests(store: Database, tmp_path: Path) -> None:
    _import(store, tmp_path, good_package())
    out = tmp_path / "handover.zip"
    result = export_package(store, ["pkg-001"], out)
    assert result.artifacts == 2
    with Database.open(tmp_path / "other") as other:
        seed(other, submissions=0)
        imported = import_package(other, out)
        assert imported.imported == ("pkg-001",)
        with store.read() as a, other.read() as b:
            mine = [
                (x.name, x.media_type, x.sha256)
                for x in a.query(m.Artifact).filter_by(submission_id="pkg-001")
            ]
            theirs = [(x.name, x.media_type, x.sha256) for x in b.query(m.Artifact)]
            assert mine == theirs
            learner = b.get(m.Learner, "learner-new")
            assert learner is not None and learner.anonymous_code == "C-NEW01"
        # The same files, byte for byte, in the other store.
        for _, _, sha256 in theirs:
            assert hashlib.sha256(other.blobs.read_bytes(sha256)).hexdigest() == sha256


def test_nested_archive_is_an_opaque_artifact(store: Database, tmp_path: Path) -> None:
    inner = raw_zip([Raw("../../escape.txt", b"never unpacked")])
    _import(store, tmp_path, good_package({"bundle.zip": (inner, "application/zip")}))
    assert store.blobs.read_bytes(hashlib.sha256(inner).hexdigest()) == inner
    assert not list(tmp_path.rglob("escape.txt"))


# ---- the hostile corpus -----------------------------------------------------------------

NAME_CASES = [
    ("../evil.txt", "climbs out of its folder"),
    ("docs/../../evil.txt", "climbs out of its folder"),
    ("/etc/evil", "absolute path"),
    ("C:/Windows/evil.txt", "drive letter"),
    ("c:evil.txt", "drive letter"),
    ("//server/share/evil.txt", "UNC path"),
    ("docs\\..\\..\\evil.txt", "backslash"),
    ("\\\\server\\share\\evil.txt", "backslash"),
    ("evil.txt.", "Windows aliases"),
    ("evil\x1b[2J.txt", "control characters"),
    ("photo\u202egpj.exe", "control characters"),
]


@pytest.mark.parametrize(("name", "reason"), NAME_CASES)
def test_unsafe_names_are_refused(store: Database, tmp_path: Path, name: str, reason: str) -> None:
    lines = _refused(store, tmp_path, hostile([Raw(name, b"x")]))
    assert f"entry {name!r}: " in lines and reason in lines


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("Report.txt", "report.txt", "case-folded"),
        ("caf\u00e9.txt", "cafe\u0301.txt", "Unicode-normalised"),
        ("STRASSE.txt", "stra\u00dfe.txt", "case-folded"),
    ],
)
def test_names_colliding_after_folding_are_refused(
    store: Database, tmp_path: Path, first: str, second: str, reason: str
) -> None:
    lines = _refused(store, tmp_path, hostile([Raw(first, b"a"), Raw(second, b"b")]))
    assert f"entry {second!r}: " in lines and reason in lines


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        (stat.S_IFLNK | 0o777, "symbolic link"),
        (stat.S_IFCHR | 0o644, "character device"),
        (stat.S_IFBLK | 0o644, "block device"),
        (stat.S_IFIFO | 0o644, "named pipe"),
        (stat.S_IFSOCK | 0o644, "socket"),
    ],
)
def test_links_and_devices_are_refused(
    store: Database, tmp_path: Path, mode: int, reason: str
) -> None:
    lines = _refused(store, tmp_path, hostile([Raw("odd", b"/etc/passwd", mode=mode)]))
    assert "entry 'odd': " in lines and reason in lines


def test_hard_link_entry_is_refused(store: Database, tmp_path: Path) -> None:
    data = hostile([Raw("twin.txt", TEXT, link_to=1)])
    lines = _refused(store, tmp_path, data)
    assert "entry 'twin.txt': the entry is a hard link to 'method.txt'" in lines


def test_duplicate_entries_are_refused(store: Database, tmp_path: Path) -> None:
    lines = _refused(store, tmp_path, hostile([Raw("method.txt", b"second copy")]))
    assert "entry 'method.txt': " in lines and "twice (duplicate entry)" in lines


def test_nul_in_a_name_is_refused(store: Database, tmp_path: Path) -> None:
    lines = _refused(store, tmp_path, hostile([Raw(b"ok.txt\x00../../evil", b"x")]))
    assert "entry 'ok.txt': the name contains a NUL character" in lines


def test_encrypted_and_unknown_methods_are_refused(store: Database, tmp_path: Path) -> None:
    lines = _refused(store, tmp_path, hostile([Raw("secret.txt", b"x", flags=0x801)]))
    assert "entry 'secret.txt': the entry is encrypted" in lines
    lines = _refused(store, tmp_path, hostile([Raw("odd.bz2", b"x", method=12)]))
    assert "entry 'odd.bz2': compression method 12 is not supported" in lines


@pytest.mark.parametrize("deflate", [False, True])
def test_bad_crc_is_refused(store: Database, tmp_path: Path, deflate: bool) -> None:
    bad = Raw("notes.txt", b"notes\n", deflate=deflate, crc=zlib.crc32(b"other"))
    lines = _refused(store, tmp_path, hostile([bad]))
    assert "entry 'notes.txt': bad CRC" in lines


def test_truncated_archives_are_refused(store: Database, tmp_path: Path) -> None:
    whole = good_package()
    for cut in (len(whole) // 2, len(whole) - 10, 100):
        lines = _refused(store, tmp_path, whole[:cut])
        assert "not a readable zip archive (truncated or damaged)" in lines


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            Raw("big.txt", b"y" * 5000, size=100),
            "holds more than the 100 bytes its header declares",
        ),
        (Raw("big.txt", b"y" * 5000, deflate=True, size=10), "holds more than the 10 bytes"),
        (Raw("small.txt", b"y" * 50, size=5000), "declares 5000 bytes but holds 50"),
        (Raw("small.txt", b"y" * 50, deflate=True, size=5000), "declares 5000 bytes but holds 50"),
    ],
)
def test_sizes_that_lie_are_refused(store: Database, tmp_path: Path, raw: Raw, reason: str) -> None:
    # The manifest repeats the declared size: only the archive's bytes can tell the lie.
    lines = _refused(store, tmp_path, hostile([raw]))
    assert f"entry '{raw.name!s}': " in lines and reason in lines


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (deflate(TEXT * 50)[:-6], "damaged entry: the compressed data ends early"),
        (deflate(TEXT * 50) + b"junk", "damaged entry: trailing bytes"),
    ],
)
def test_damaged_deflate_streams_are_refused(
    store: Database, tmp_path: Path, payload: bytes, reason: str
) -> None:
    lines = _refused(store, tmp_path, hostile([Raw("long.txt", TEXT * 50, True, payload=payload)]))
    assert f"entry 'long.txt': {reason}" in lines


def test_a_huge_central_directory_is_refused_before_it_is_read(
    store: Database, tmp_path: Path
) -> None:
    data = bytearray(hostile([]))
    data[-10:-6] = (50 << 20).to_bytes(4, "little")  # the end record's directory size
    lines = _refused(store, tmp_path, bytes(data))
    assert "a central directory of 52428800 bytes is over the limit" in lines


ZEROS = bytes(4 << 20)


def test_compression_ratio_over_the_limit_is_refused(store: Database, tmp_path: Path) -> None:
    lines = _refused(store, tmp_path, hostile([Raw("bomb.bin", ZEROS, deflate=True)]))
    assert "entry 'bomb.bin': declares a compression ratio of" in lines
    assert "over the limit of 200:1" in lines
    # The limit is configurable, and a bomb that understates its size is still caught.
    lying = Raw("bomb.bin", ZEROS, deflate=True, size=2000)
    lines = _refused(store, tmp_path, hostile([lying]))
    assert "entry 'bomb.bin': holds more than the 2000 bytes" in lines
    lines = _refused(
        store, tmp_path, hostile([Raw("big.txt", TEXT * 40000, deflate=True)]), Limits(ratio=2)
    )
    assert "over the limit of 2:1" in lines


def test_total_size_and_entry_count_over_the_limits_are_refused(
    store: Database, tmp_path: Path
) -> None:
    lines = _refused(store, tmp_path, hostile([Raw("more.bin", bytes(3000))]), Limits(2000))
    assert "over the limit of 2000" in lines
    many = [Raw(f"n{i}.txt", b"x") for i in range(5)]
    lines = _refused(store, tmp_path, hostile(many), Limits(entries=4))
    assert "entries, over the limit of 4" in lines


def test_hash_mismatch_is_refused_and_earlier_blobs_removed(
    store: Database, tmp_path: Path
) -> None:
    doc = manifest(
        [artifact("method.txt", TEXT, "text/plain"), artifact("report.pdf", PDF, "application/pdf")]
    )
    doc["submissions"][0]["artifacts"][1]["sha256"] = "0" * 64
    entries = [
        Raw("manifest.json", json.dumps(doc).encode()),
        Raw("method.txt", TEXT),
        Raw("report.pdf", PDF),
    ]
    lines = _refused(store, tmp_path, raw_zip(entries))
    assert f"entry 'report.pdf': its SHA-256 is {hashlib.sha256(PDF).hexdigest()}" in lines
    assert not store.blobs.exists(hashlib.sha256(TEXT).hexdigest())


def test_blob_already_in_the_store_is_kept_when_refused(store: Database, tmp_path: Path) -> None:
    kept = store.blobs.put_bytes(TEXT)
    files = good_files() | {"fake.png": (b"not a png", "image/png")}
    lines = _refused(store, tmp_path, good_package(files))
    assert "entry 'fake.png': the manifest says image/png but the content is text/plain" in lines
    assert store.blobs.exists(kept.sha256)


def test_manifest_and_files_must_match(store: Database, tmp_path: Path) -> None:
    absent = manifest(
        [artifact("method.txt", TEXT, "text/plain"), artifact("gone.pdf", PDF, "application/pdf")]
    )
    lines = _refused(
        store,
        tmp_path,
        raw_zip([Raw("manifest.json", json.dumps(absent).encode()), Raw("method.txt", TEXT)]),
    )
    assert "manifest.json/submissions/0/artifacts/1/entry: no entry 'gone.pdf'" in lines
    stowaway = [Raw("manifest.json", json.dumps(manifest([])).encode()), Raw("run.exe", b"MZ")]
    lines = _refused(store, tmp_path, raw_zip(stowaway))
    assert "entry 'run.exe': the file is not named in the manifest" in lines


@pytest.mark.parametrize(
    ("manifest_bytes", "reason"),
    [
        (None, "no manifest.json in the package"),
        (b"{not json", "manifest.json line 1 column 2"),
        (b'{"format": 1, "format": 2}', "duplicate key 'format'"),
        (b'{"format": "assessor-submission-package"}', "'formatVersion' is a required property"),
    ],
)
def test_bad_manifests_are_refused(
    store: Database, tmp_path: Path, manifest_bytes: bytes | None, reason: str
) -> None:
    entries = [Raw("method.txt", TEXT)]
    if manifest_bytes is not None:
        entries.insert(0, Raw("manifest.json", manifest_bytes))
    lines = _refused(store, tmp_path, raw_zip(entries))
    assert reason in lines


def test_unknown_assessment_names_the_valid_ones(store: Database, tmp_path: Path) -> None:
    lines = _refused(store, tmp_path, good_package(assessment="nope"))
    assert "submissions/0/assessment: unknown assessment 'nope'; valid: wiring-l2" in lines


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-12:00",  # the year 10000 in UTC: was an OverflowError traceback
        "0001-01-01T00:00:00+01:00",  # before the year 1 in UTC
        "2026-11-20T09:30:00",  # no offset: a naive time means nothing
    ],
)
def test_a_date_that_cannot_be_kept_in_utc_is_refused_naming_the_field(
    store: Database, tmp_path: Path, moment: str
) -> None:
    files = good_files()
    doc = manifest([artifact(n, d, t) for n, (d, t) in files.items()])
    doc["submissions"][0]["submittedAt"] = moment
    entries = [Raw("manifest.json", json.dumps(doc).encode())]
    entries += [Raw(n, d) for n, (d, _) in files.items()]
    lines = _refused(store, tmp_path, raw_zip(entries))
    assert (
        f"manifest.json/submissions/0/submittedAt: '{moment}' is not a date-time this program "
        "can keep"
    ) in lines


def test_a_lone_surrogate_in_a_manifest_is_refused_at_its_place(
    store: Database, tmp_path: Path
) -> None:
    files = good_files()
    text = json.dumps(manifest([artifact(n, d, t) for n, (d, t) in files.items()]))
    text = text.replace('"Nia New"', '"Nia \\ud83d New"')  # half of an emoji
    entries = [Raw("manifest.json", text.encode())] + [Raw(n, d) for n, (d, _) in files.items()]
    lines = _refused(store, tmp_path, raw_zip(entries))
    assert "manifest.json/submissions/0/learner/name: holds a lone surrogate" in lines
    lines.encode("utf-8")  # and the message can be printed
