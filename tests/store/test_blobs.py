from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest

from assessor.store.blobs import CHUNK, BlobRef, BlobStore
from assessor.store.errors import BlobCorrupt, BlobMismatch, BlobMissing, InvalidBlobHash

HELLO = b"hello evidence\n"
HELLO_SHA = hashlib.sha256(HELLO).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


class PatternStream(io.RawIOBase):
    """`size` bytes made on demand, so the source itself holds no more than one chunk."""

    def __init__(self, size: int, fail_after: int | None = None) -> None:
        self.remaining = size
        self.served = 0
        self.fail_after = fail_after
        self.block = bytes(range(256)) * (CHUNK // 256)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.fail_after is not None and self.served >= self.fail_after:
            raise OSError("source went away")
        n = min(len(buffer), self.remaining, len(self.block))
        buffer[:n] = self.block[:n]
        self.remaining -= n
        self.served += n
        return n


def temp_files(store: BlobStore) -> list[Path]:
    tmp = store.root / "tmp"
    return list(tmp.iterdir()) if tmp.exists() else []


def test_put_files_the_bytes_under_their_hash(store: BlobStore) -> None:
    ref = store.put_bytes(HELLO)
    assert ref == BlobRef(HELLO_SHA, len(HELLO))
    path = store.path_of(HELLO_SHA)
    assert path == store.root / "sha256" / HELLO_SHA[:2] / HELLO_SHA[2:4] / HELLO_SHA
    assert path.read_bytes() == HELLO
    assert store.read_bytes(HELLO_SHA) == HELLO
    assert temp_files(store) == []


def test_put_is_idempotent(store: BlobStore, tmp_path: Path) -> None:
    first = store.put_bytes(HELLO)
    mtime = store.path_of(HELLO_SHA).stat().st_mtime_ns
    source = tmp_path / "evidence.txt"
    source.write_bytes(HELLO)
    assert store.put_file(source) == first
    assert store.put_stream(io.BytesIO(HELLO)) == first
    assert store.path_of(HELLO_SHA).stat().st_mtime_ns == mtime  # the existing blob is kept
    assert list(store.iter_hashes()) == [HELLO_SHA]
    assert temp_files(store) == []


def test_empty_blob(store: BlobStore) -> None:
    ref = store.put_bytes(b"")
    assert ref == BlobRef(hashlib.sha256(b"").hexdigest(), 0)
    assert store.read_bytes(ref.sha256) == b""


def test_a_64_mib_stream_is_stored_in_constant_memory(store: BlobStore) -> None:
    size = 64 * CHUNK
    expected = hashlib.sha256()
    block = bytes(range(256)) * (CHUNK // 256)
    for _ in range(64):
        expected.update(block)
    tracemalloc.start()
    try:
        ref = store.put_stream(io.BufferedReader(PatternStream(size), CHUNK))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ref == BlobRef(expected.hexdigest(), size)
    assert peak < 8 * CHUNK
    assert store.path_of(ref.sha256).stat().st_size == size


def test_a_failing_source_leaves_no_temp_file_and_no_blob(store: BlobStore) -> None:
    with pytest.raises(OSError, match="source went away"):
        store.put_stream(io.BufferedReader(PatternStream(8 * CHUNK, fail_after=3 * CHUNK)))
    assert temp_files(store) == []
    assert list(store.iter_hashes()) == []


def test_corruption_is_detected_on_every_kind_of_read(store: BlobStore) -> None:
    ref = store.put_bytes(HELLO)
    path = store.path_of(ref.sha256)
    path.write_bytes(b"hello evidencE\n")
    assert store.verify(ref.sha256) is False
    with pytest.raises(BlobCorrupt, match=ref.sha256) as corrupt:
        store.read_bytes(ref.sha256)
    assert corrupt.value.actual == hashlib.sha256(b"hello evidencE\n").hexdigest()
    with store.open_verified(ref.sha256) as reader, pytest.raises(BlobCorrupt):
        while reader.read(4):
            pass


def test_a_verified_reader_passes_good_bytes_through(store: BlobStore) -> None:
    data = bytes(range(256)) * 9000  # a few chunks of the reader's buffer
    ref = store.put_bytes(data)
    with store.open_verified(ref.sha256) as reader:
        parts = []
        while part := reader.read(70_000):
            parts.append(part)
    assert b"".join(parts) == data
    assert store.verify(ref.sha256) is True


def test_missing_blob(store: BlobStore) -> None:
    absent = "0" * 64
    with pytest.raises(BlobMissing, match=absent):
        store.read_bytes(absent)
    with pytest.raises(BlobMissing):
        store.open_verified(absent)
    with pytest.raises(BlobMissing):
        store.verify(absent)
    assert not store.exists(absent)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../../etc/passwd",
        HELLO_SHA.upper(),
        HELLO_SHA[:-1],
        HELLO_SHA + "0",
        HELLO_SHA[:-1] + "g",
        HELLO_SHA + "\n",
        "../" + HELLO_SHA[3:],
    ],
)
def test_names_other_than_64_lowercase_hex_are_refused(store: BlobStore, name: str) -> None:
    with pytest.raises(InvalidBlobHash):
        store.path_of(name)
    with pytest.raises(InvalidBlobHash):
        store.read_bytes(name)


def test_iter_hashes_lists_blobs_and_skips_strays(store: BlobStore) -> None:
    refs = sorted(store.put_bytes(bytes([i])).sha256 for i in range(5))
    stray = store.root / "sha256" / refs[0][:2] / refs[0][2:4] / "notes.txt"
    stray.write_text("not a blob")
    misfiled = store.root / "sha256" / "00" / "00" / refs[1]
    misfiled.parent.mkdir(parents=True, exist_ok=True)
    misfiled.write_bytes(b"x")
    assert list(store.iter_hashes()) == refs


def test_stale_temp_files_are_removed(store: BlobStore) -> None:
    store.put_bytes(HELLO)
    (store.root / "tmp" / "put-crashed.part").write_bytes(b"half a file")
    assert store.remove_stale_temp_files() == 1
    assert temp_files(store) == []
    assert store.read_bytes(HELLO_SHA) == HELLO


def test_add_chunks_says_whether_new_and_refuses_other_bytes(store: BlobStore) -> None:
    ref, new = store.add_chunks([b"hello ", b"evidence\n"], expect=HELLO_SHA)
    assert ref == BlobRef(HELLO_SHA, len(HELLO)) and new
    assert store.add_chunks([HELLO])[1] is False
    with pytest.raises(BlobMismatch):
        store.add_chunks([b"other"], expect="0" * 64)
    assert list((store.root / "tmp").iterdir()) == []


def test_remove_takes_back_a_blob_and_its_empty_folders(store: BlobStore) -> None:
    ref = store.put_bytes(HELLO)
    store.remove(ref.sha256)
    assert not store.exists(ref.sha256)
    assert list((store.root / "sha256").iterdir()) == []
