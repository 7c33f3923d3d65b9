"""The plain-text demo evidence: a test record (UTF-8) and Python code for review."""

from __future__ import annotations

import functools
import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

from assessor.formats.demo_data.evidence.job import document_day, make_job
from assessor.formats.demo_data.evidence.phrases import (
    as_rows,
    as_text,
    as_texts,
    document,
    template,
    texts,
)


def test_record_txt(learner_name: str, seed: int, *, on: date) -> bytes:
    """A plain-text (UTF-8) record of the isolation and the dead tests on the board, dated as
    the method statement of the same submission."""
    job = make_job(seed)
    day = document_day(on, seed)
    rng = random.Random(seed ^ 0x7E57)
    header = (
        "Way",
        "Description",
        "OCPD",
        "R1+R2 (Ω)",
        "IR L–E (MΩ)",
        "IR L–N (MΩ)",
        "Zs (Ω)",
        "RCD (ms)",
        "Result",
    )
    widths = (4, 30, 10, 10, 12, 12, 7, 9, 8)
    rows = []
    for way, (name, device) in enumerate(job.chart, start=1):
        # keep Zs (R1+R2 plus Ze) inside the device's limit: big breakers need short runs
        r12 = rng.uniform(0.08, 0.95 if int(device.split()[0][1:]) <= 20 else 0.45)
        ir_le = ">299" if rng.random() < 0.7 else f"{rng.uniform(2, 250):.0f}"
        ir_ln = ">299" if rng.random() < 0.8 else f"{rng.uniform(5, 250):.0f}"
        result = "PASS"
        if rng.random() < 0.06:
            ir_le, result = f"{rng.uniform(0.3, 0.95):.2f}", "FAIL"
        rcd = f"{rng.randrange(14, 32)}" if "RCBO" in device or rng.random() < 0.5 else "n/a"
        cells = (
            str(way),
            name,
            device,
            f"{r12:.2f}",
            ir_le,
            ir_ln,
            f"{r12 + rng.uniform(0.18, 0.35):.2f}",
            rcd,
            result,
        )
        rows.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [
        "ELECTRICAL TEST RECORD — SAFE ISOLATION AND DEAD TESTING",
        "=" * 56,
        f"Learner:        {learner_name}",
        f"Date:           {day.isoformat()}",
        f"Site:           {job.site}",
        f"Board:          {job.board}",
        f"Reference:      {job.ref(day)}",
        f"Instruments:    {job.indicator}",
        f"                {job.prover}",
        f"                {job.tester} multifunction tester, calibrated "
        f"{day - timedelta(days=rng.randrange(30, 300)):%Y-%m-%d}",
        "",
        "Isolation",
        "---------",
        f"Circuit isolated:  {job.circuit_no} — {job.circuit} ({job.device})",
        f"Locked off with:   {job.lock}, danger tag no. {job.tag_no}, key held by me",
        f"Proved dead at:    {job.point_of_work} (L–N, L–E, N–E: 0 V)",
        "",
        "Dead tests (insulation resistance at 500 V DC)",
        rule,
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        rule,
        *rows,
        rule,
        "",
        "Notes:",
        *[f" - {n}" for n in rng.sample(texts("test_record", "notes"), 3)],
        "",
        f"Signed: {learner_name} (typed)    Date: {day:%d/%m/%Y}",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True)
class CodeSample:
    module: str
    change: str
    source: str
    excerpt: str
    findings: tuple[tuple[str, ...], ...]  # (location, severity, finding, suggestion)


def code_sample_py(seed: int) -> bytes:
    """A small Python module, as a learner or a colleague wrote it, with a bug or two in it."""
    return code_sample(seed).source.encode("utf-8")


def code_sample(seed: int) -> CodeSample:
    """The code for `seed` with what a review of it should find (see code_samples.json)."""
    rng = random.Random(seed ^ 0xB06)
    recipe = rng.choice(_recipes())
    values: dict[str, str] = {}
    for draw in recipe.draws:
        # one choice per draw: its lists run in parallel (a value and the values derived from it)
        at = rng.randrange(len(draw[0][1]))
        values.update((name, options[at]) for name, options in draw)

    def fill(text: str) -> str:
        return string.Template(text).substitute(values)

    return CodeSample(
        module=fill(recipe.module),
        change=fill(recipe.change),
        source=fill(template(recipe.source)),
        excerpt=fill(recipe.excerpt),
        findings=tuple(tuple(fill(cell) for cell in row) for row in recipe.findings),
    )


@dataclass(frozen=True)
class _Recipe:
    """One entry of code_samples.json."""

    source: str
    draws: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]
    module: str
    change: str
    excerpt: str
    findings: tuple[tuple[str, ...], ...]


@functools.cache
def _recipes() -> tuple[_Recipe, ...]:
    samples = document("code_samples")["samples"]
    if not isinstance(samples, list):
        raise ValueError("code_samples.samples: expected a list")
    return tuple(_recipe(s, f"code_samples.samples[{i}]") for i, s in enumerate(samples))


def _recipe(item: object, where: str) -> _Recipe:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object")
    if not isinstance(item.get("draws"), list):
        raise ValueError(f"{where}.draws: expected a list")
    draws = []
    for i, draw in enumerate(item["draws"]):
        if not isinstance(draw, dict) or not draw:
            raise ValueError(f"{where}.draws[{i}]: expected an object of lists")
        options = tuple((k, as_texts(v, f"{where}.draws[{i}].{k}")) for k, v in draw.items())
        if len({len(v) for _, v in options}) != 1 or not options[0][1]:
            raise ValueError(f"{where}.draws[{i}]: the lists must be non-empty and equally long")
        draws.append(options)
    return _Recipe(
        source=as_text(item["source"], f"{where}.source"),
        draws=tuple(draws),
        module=as_text(item["module"], f"{where}.module"),
        change=as_text(item["change"], f"{where}.change"),
        excerpt="\n".join(as_texts(item["excerpt"], f"{where}.excerpt")),
        findings=as_rows(
            item["findings"],
            ("location", "severity", "finding", "suggestion"),
            f"{where}.findings",
        ),
    )
