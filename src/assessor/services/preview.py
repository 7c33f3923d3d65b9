"""Preview preparation: what the GUI shows of an artifact before anyone opens it (pages of a
PDF, size of an image, encoding and lines of a text), worked out in a child process.

Learners' files are untrusted. Parsing runs in `preview_child` under a memory cap, a processor
cap and a wall-clock timeout after which the parent kills it, so a malformed PDF or a pixel
bomb costs at most those limits and ends as "cannot preview: REASON" for that one artifact.
The submission stays scoreable whatever a preview says.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.domain.errors import UnknownChoice
from assessor.domain.policy import Operation
from assessor.services.access import Actor, check, operation
from assessor.services.media import HEAD_SIZE, OCTET_STREAM, compatible, sniff
from assessor.store import models as m
from assessor.store import previews
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.blobs import BlobStore
from assessor.store.db import Database
from assessor.store.errors import BlobMissing

# How the child is started; tests swap in a misbehaving one. -P: the working folder is not
# put on the child's import path, so no file there can stand in for our modules.
CHILD = ["-P", "-m", "assessor.services.preview_child"]
SERVE = [*CHILD, "--serve"]
WORKERS = 4  # children at once
GRACE = 5.0  # seconds a server may take beyond a file's limit before it is given up on


@dataclass(frozen=True)
class Limits:
    seconds: float = 10.0  # wall clock, then the child is killed
    memory_mib: int = 512  # address space (POSIX)


@dataclass(frozen=True)
class Preview:
    """The child's answer: `summary` when it could describe the file, else `reason`."""

    summary: dict[str, Any] | None
    reason: str | None = None

    @property
    def text(self) -> str:
        if self.reason is not None:
            return f"cannot preview: {self.reason}"
        return _describe(self.summary or {})

    def to_json(self) -> dict[str, Any]:
        return dict(self.summary) if self.summary is not None else {"error": self.reason}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Preview:
        if "error" in value:
            return cls(None, str(value["error"]))
        return cls(value)


@dataclass(frozen=True)
class PreviewResult:
    artifact_id: int
    name: str
    claimed_type: str  # what the submission said the file is
    media_type: str  # what its bytes are
    preview: Preview

    @property
    def type_matches(self) -> bool:
        return compatible(self.claimed_type, self.media_type)

    @property
    def ok(self) -> bool:
        return self.preview.reason is None

    @property
    def text(self) -> str:
        return self.preview.text


def _describe(summary: dict[str, Any]) -> str:
    kind = summary.get("kind")
    if kind == "pdf":
        pages = summary.get("pages")
        return f"PDF, {pages} page{'s' if pages != 1 else ''}"
    if kind == "image":
        return f"image, {summary.get('width')}×{summary.get('height')} pixels"
    if kind == "text":
        lines = summary.get("lines")
        return f"text ({summary.get('encoding')}), {lines} line{'s' if lines != 1 else ''}"
    return "no preview for this kind of file"


def preview_file(path: Path, limits: Limits | None = None) -> Preview:
    """Run the child on the file at `path` and read its one-line answer. Never raises for
    anything the file does: every failure is a Preview with a reason."""
    limits = limits or Limits()
    command = [sys.executable, *CHILD, str(path), repr(limits.seconds), str(limits.memory_mib)]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=limits.seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed and reaped it
        return Preview(None, f"took longer than {limits.seconds:g} s")
    except OSError as e:
        return Preview(None, f"the previewer could not start ({e.strerror or e})")
    return _answer(done, limits)


def _parse(line: str) -> Preview | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        return Preview(None, value["error"])
    if isinstance(value, dict) and value.get("kind") in {"pdf", "image", "text", "other"}:
        return Preview(value)
    return None


def _answer(done: subprocess.CompletedProcess[bytes], limits: Limits) -> Preview:
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    parsed = _parse(lines[-1]) if done.returncode == 0 and lines else None
    if parsed is not None:
        return parsed
    stderr = done.stderr.decode("utf-8", "replace")
    if "MemoryError" in stderr:
        return Preview(None, f"used more than {limits.memory_mib} MiB")
    # SIGXCPU at the processor limit, SIGKILL past its hard limit (numbers as on Linux/macOS)
    if done.returncode in (-getattr(signal, "SIGXCPU", 24), -getattr(signal, "SIGKILL", 9)):
        return Preview(None, f"used more than {limits.seconds:g} s of processor time")
    if done.returncode != 0:
        return Preview(None, f"the previewer stopped unexpectedly (exit status {done.returncode})")
    return Preview(None, "the previewer gave no readable answer")


def preview_files(paths: Sequence[Path], limits: Limits | None = None) -> list[Preview]:
    """`preview_file` of each path, in order. On POSIX a few server children each fork a
    fresh limited process per file, so the parsers are imported once per server rather than
    once per file; elsewhere, and for whatever a server did not answer, one child per file."""
    limits = limits or Limits()
    if not paths:
        return []
    if not hasattr(os, "fork"):
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(lambda p: preview_file(p, limits), paths))
    n = min(WORKERS, len(paths))
    with ThreadPoolExecutor(max_workers=n) as pool:
        answers = list(pool.map(lambda i: _serve(list(paths[i::n]), limits), range(n)))
    return [answers[i % n][i // n] for i in range(len(paths))]


def _serve(paths: list[Path], limits: Limits) -> list[Preview]:
    answers: list[Preview] = []
    command = [sys.executable, *SERVE, repr(limits.seconds), str(limits.memory_mib)]
    try:
        server = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
    except OSError:
        server = None
    if server is not None:
        assert server.stdin is not None and server.stdout is not None
        try:
            for path in paths:
                server.stdin.write(json.dumps(str(path)).encode() + b"\n")
                line = _read_line(server.stdout.fileno(), limits.seconds + GRACE)
                parsed = _parse(line) if line is not None else None
                if parsed is None:
                    break
                answers.append(parsed)
        except OSError:  # the server went away: the rest go one child each
            pass
        finally:
            server.kill()
            server.wait()
            server.stdin.close()
            server.stdout.close()
    return answers + [preview_file(p, limits) for p in paths[len(answers) :]]


def _read_line(fd: int, timeout: float) -> str | None:
    """One line from a pipe, or None at its end or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while not buffer.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        piece = os.read(fd, 1 << 16)
        if not piece:
            return None
        buffer += piece
    return buffer.decode("utf-8", "replace")


def _check_blob(blobs: BlobStore, sha256: str, name: str) -> tuple[str, Preview | None]:
    """(media type by content, a Preview when the blob cannot be handed to the child)."""
    try:
        if not blobs.verify(sha256):
            return OCTET_STREAM, Preview(None, "the stored file is damaged")
    except BlobMissing:
        return OCTET_STREAM, Preview(None, "the stored file is missing")
    with blobs.path_of(sha256).open("rb") as f:
        return sniff(f.read(HEAD_SIZE), name), None


@operation(Operation.PACKAGE_IMPORT)
def prepare_previews(
    db: Database, submission_id: str, limits: Limits | None = None
) -> list[PreviewResult]:
    """Prepare the preview of each artifact of the submission that has none yet, store the
    results (failures included, as their reason) with one audit event, and return them.
    The children run outside any transaction; the results are written in one."""
    check(Actor.local(), Operation.PACKAGE_IMPORT)
    with db.read() as tx:
        if r.submission(tx, submission_id) is None:
            raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
        todo = previews.pending(tx, submission_id)
    return _prepare(db, todo, limits or Limits(), ("submission", submission_id))


@operation(Operation.PACKAGE_IMPORT)
def prepare_all_previews(db: Database, limits: Limits | None = None) -> list[PreviewResult]:
    """`prepare_previews` for every submission at once, with one audit event: for the demo,
    and for files written before previews existed (schema 0002)."""
    check(Actor.local(), Operation.PACKAGE_IMPORT)
    with db.read() as tx:
        todo = previews.pending(tx)
    return _prepare(db, todo, limits or Limits(), ("artifacts", "all"))


def _prepare(
    db: Database, todo: list[previews.PendingArtifact], limits: Limits, entity: tuple[str, str]
) -> list[PreviewResult]:
    checked = [_check_blob(db.blobs, a.sha256, a.name) for a in todo]
    paths = [db.blobs.path_of(a.sha256) for a, (_, no) in zip(todo, checked, strict=True) if not no]
    answers = iter(preview_files(paths, limits))
    results = [
        PreviewResult(a.id, a.name, a.media_type, sniffed, refused or next(answers))
        for a, (sniffed, refused) in zip(todo, checked, strict=True)
    ]
    if not results:
        return []
    with db.write() as tx:
        for result in results:
            artifact = tx.get(m.Artifact, result.artifact_id)
            if artifact is not None and artifact.preview is None:
                artifact.preview = _stored(result)
        append_event(
            tx,
            actor="local",
            action="artifact.preview",
            entity_type=entity[0],
            entity_id=entity[1],
            payload={
                "artifacts": len(results),
                "cannotPreview": sum(not x.ok for x in results),
                "typeMismatches": sum(not x.type_matches for x in results),
            },
        )
    return results


def _stored(result: PreviewResult) -> str:
    return json.dumps(
        {**result.preview.to_json(), "mediaType": result.media_type},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


@operation(None)
def preview_of(db: Database, artifact_id: int) -> PreviewResult | None:
    """The stored preview of an artifact; None when it has none yet (or no such artifact)."""
    with db.read() as tx:
        artifact = tx.get(m.Artifact, artifact_id)
        if artifact is None or artifact.preview is None:
            return None
        value = json.loads(artifact.preview)
        media_type = str(value.pop("mediaType", "application/octet-stream"))
        return PreviewResult(
            artifact.id, artifact.name, artifact.media_type, media_type, Preview.from_json(value)
        )
