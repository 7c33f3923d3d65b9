"""`package import` of an N MiB package (default 1024: 1 GiB) against the floor: `sha256sum`
and `cp` of the same payload bytes. Also the peak RSS growth of the importing process.

The package mixes stored entries (incompressible, like photos and PDFs) and deflated ones
(text-like, about 3:1), 64 MiB each. The import does more than the floor: it inflates, checks
CRC, sizes and media type, hashes, fsyncs every blob and commits rows; the ratio says what that
costs. Goals: ratio <= 1.5, RSS growth < 50 MiB. Each side runs REPEAT times; best times count.

Run: python3 benchmarks/bench_package_import.py [N_MIB]
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _common import demo_folder

N_MIB = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
REPEAT = 2
PART = 64 << 20
ASSESSMENT = "safe-isolation-l2"

_CHILD = """
import sys, time
from pathlib import Path
from assessor.services.intake import import_package
from assessor.store.db import Database

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

db = Database.open(Path(sys.argv[1]))
before = status("VmRSS:")
start = time.perf_counter()
result = import_package(db, Path(sys.argv[2]))
seconds = time.perf_counter() - start
db.close()
assert result.bytes > 0, result
print(seconds, status("VmHWM:") - before)
"""


def _parts(rng: random.Random) -> list[tuple[str, bytes, bool]]:
    words = [
        bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(2, 9)))
        for _ in range(4000)
    ]
    parts = []
    for i in range(max(1, (N_MIB << 20) // PART)):
        size = min(PART, N_MIB << 20)
        if i % 2 == 0:
            data = rng.randbytes(size)
        else:
            line = b" ".join(rng.choices(words, k=200_000)) + b"\n"
            data = (line * (size // len(line) + 1))[:size]
            # vary the copies a little so deflate cannot find the whole repeat cheaply
            data = bytes(data[: size // 2]) + rng.randbytes(1) + bytes(data[size // 2 + 1 :])
        parts.append((f"part-{i:03d}.{'bin' if i % 2 == 0 else 'txt'}", data, i % 2 == 1))
    return parts


def build(folder: Path) -> tuple[Path, Path]:
    """The package and a file holding the same payload bytes, one after the other."""
    rng = random.Random(2026)
    package, payload = folder / "package.zip", folder / "payload.bin"
    artifacts = []
    with zipfile.ZipFile(package, "w") as zf, payload.open("wb") as raw:
        for name, data, deflate in _parts(rng):
            kind = "text/plain" if deflate else "application/octet-stream"
            method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            zf.writestr(name, data, method, compresslevel=1)
            raw.write(data)
            artifacts.append(
                {
                    "name": name,
                    "mediaType": kind,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        manifest = {
            "format": "assessor-submission-package",
            "formatVersion": 1,
            "submissions": [
                {
                    "id": "bench-001",
                    "learner": {"id": "bench-learner", "name": "Bench Learner"},
                    "assessment": ASSESSMENT,
                    "attempt": 1,
                    "submittedAt": "2026-11-24T10:00:00Z",
                    "artifacts": artifacts,
                }
            ],
        }
        zf.writestr("manifest.json", json.dumps(manifest))
    return package, payload


def ours(master: Path, package: Path, work: Path) -> tuple[float, int]:
    data = work / "run"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(master, data, ignore=shutil.ignore_patterns("assessor.lock"))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data), str(package)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, growth = done.stdout.split()
    return float(seconds), int(growth)


def floor(payload: Path, work: Path) -> float:
    target = work / "copy.bin"
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(["sha256sum", str(payload)], check=True, capture_output=True)
    subprocess.run(["cp", str(payload), str(target)], check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        root = Path(tmp)
        master = demo_folder(root)
        package, payload = build(root)
        sizes = package.stat().st_size >> 20, payload.stat().st_size >> 20
        print(f"package {sizes[0]} MiB, payload {sizes[1]} MiB")
        runs = [ours(master, package, root) for _ in range(REPEAT)]
        best = min(s for s, _ in runs)
        growth = max(g for _, g in runs)
        base = min(floor(payload, root) for _ in range(REPEAT))
        os.sync()
    print(f"peak RSS growth {growth / (1 << 20):.1f} MiB (goal < 50)")
    print(f"import {best:.2f} s, floor sha256sum + cp {base:.2f} s")
    print(f"ratio {best / base:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
