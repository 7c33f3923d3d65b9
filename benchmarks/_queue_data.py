"""A demo data folder with many bulk submissions, built once and kept in the temp folder.

Keyed by size and by the schema migrations, the demo writer and the bulk filler, so a change
to any of them builds a fresh one. The GUI benchmarks open it read-only in practice (the app
takes the folder lock and opens the database; nothing is written while they run).
"""

from __future__ import annotations

import hashlib
import shutil
import statistics
import tempfile
from pathlib import Path

import assessor.demo.folder as demo
import assessor.formats.demo_data.generator as demo_set
from assessor.demo import write_demo
from assessor.store.migrate import SCRIPT_LOCATION

# Argon2id at its minimum cost, as the tests use (tests/conftest.py CHEAP_KDF): the key's cost
# is not what these benchmarks measure, and nobody unlocks it here.
CHEAP_KDF = (1, 1, 8)
HERE = Path(__file__).resolve().parent


def _key() -> str:
    digest = hashlib.sha256()
    sources = sorted(SCRIPT_LOCATION.rglob("*.py"))
    sources += [
        Path(demo.__file__),
        Path(demo_set.__file__),
        HERE / "bench_queue_query.py",
        Path(__file__),
    ]
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def queue_folder(total: int) -> Path:
    """The demo folder plus `total` bulk submissions (bench_queue_query.fill), cached."""
    root = Path(tempfile.gettempdir()) / f"assessor-bench-queue-{total}-{_key()}"
    folder = root / "data"
    if (root / "ready").exists():
        return folder
    shutil.rmtree(root, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix="assessor-bench-building-"))
    # Imported here: bench_queue_query reads sys.argv[1] at import time.
    from bench_queue_query import fill

    print(f"building a data folder with {total} submissions in {root} …", flush=True)
    write_demo(building / "data", kdf_cost=CHEAP_KDF)
    fill(building / "data" / "assessor.db", total)
    (building / "ready").touch()
    try:
        building.rename(root)
    except OSError:  # another run built it meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return folder


def describe(samples: list[float], scale: float = 1000) -> str:
    """median / min / max of seconds, in ms."""
    med, low, high = (f(samples) * scale for f in (statistics.median, min, max))
    return f"median {med:.1f} ms, min {low:.1f} ms, max {high:.1f} ms"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
