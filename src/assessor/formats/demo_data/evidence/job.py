"""The one piece of work a safe-isolation submission is about, made from a seed.

The method statement, the photo and the test record of one submission share its seed, so the
circuit in the method statement is the one locked off in the photo and listed in the test record.
The job itself has no date: the documents are dated from the submission (`document_day`), so
the photo, which shows no date, needs only the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from assessor.formats.demo_data.evidence.phrases import rows, texts

_DATA = "job"


@dataclass(frozen=True)
class Job:
    """The one piece of work a safe-isolation submission is about."""

    ref_no: int
    site: str
    task: str
    point_of_work: str
    circuit_no: int
    chart: tuple[
        tuple[str, str], ...
    ]  # (circuit, device) for ways 1 … ways − 2; the rest are spare
    circuit: str
    device: str
    board: str
    ways: int
    indicator: str
    prover: str
    tester: str
    lock: str
    tag_no: str
    quality: float  # 0 = weak evidence, 1 = strong

    def ref(self, day: date) -> str:
        """The method statement's reference, numbered within the year it is dated."""
        return f"MS-{day:%y}-{self.ref_no:03d}"


def document_day(on: date, seed: int) -> date:
    """The date on the documents of a submission handed in on `on`: that day or up to three
    days before (learners write up, then upload). The same for every file of one submission."""
    return on - timedelta(days=random.Random(seed ^ 0xDA7E).randrange(4))


def make_job(seed: int) -> Job:
    """The job for `seed`; every call with the same seed gives the same job."""
    rng = random.Random(seed)
    jobs = rows(_DATA, "jobs", "circuit", "device", "task", "point_of_work")
    circuit, device, task, point = rng.choice(jobs)
    ways = rng.choice((8, 10, 12, 14))
    circuit_no = rng.randrange(1, ways - 1)
    others = [(c, d) for c, d, _, _ in jobs if c != circuit]
    others += [(c, d) for c, d in rows(_DATA, "other_circuits", "circuit", "device")]
    chart = rng.sample(others, ways - 3)
    chart.insert(circuit_no - 1, (circuit, device))
    indicator, prover = rng.choice(rows(_DATA, "indicators", "indicator", "prover"))
    return Job(
        ref_no=rng.randrange(10, 999),
        site=rng.choice(texts(_DATA, "sites")),
        task=task,
        point_of_work=point,
        circuit_no=circuit_no,
        circuit=circuit,
        device=device,
        board=f"{rng.choice(texts(_DATA, 'boards'))} {ways}-way consumer unit",
        ways=ways,
        chart=tuple(chart),
        indicator=f"{indicator} (s/n {rng.randrange(10**7, 10**8)})",
        prover=prover,
        tester=f"{rng.choice(texts(_DATA, 'testers'))} (s/n {rng.randrange(10**6, 10**7)})",
        lock=rng.choice(texts(_DATA, "locks")),
        tag_no=f"{rng.randrange(1, 9999):04d}",
        quality=rng.random(),
    )
