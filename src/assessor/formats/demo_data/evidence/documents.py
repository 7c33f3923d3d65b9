"""The demo PDFs a learner hands in: method statement, reflective journal, code review notes
and site induction record.

Each is built from the phrase lists in ``resources/demo/evidence``, chosen and ordered by a
random generator seeded from the submission, so the same seed and date always give the same
bytes. Each is dated `document_day(on, seed)`: on, or a few days before, the day it was handed in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from reportlab.lib.units import mm

from assessor.formats.demo_data.evidence.job import Job, document_day, make_job
from assessor.formats.demo_data.evidence.pdf import Doc
from assessor.formats.demo_data.evidence.phrases import groups, rows, text, texts
from assessor.formats.demo_data.evidence.text import code_sample

_MS = "method_statement"
_RJ = "reflective_journal"
_RN = "review_notes"
_IR = "induction_record"


def method_statement_pdf(learner_name: str, title: str, seed: int, *, on: date) -> bytes:
    """A learner's method statement for safe isolation: 3–5 pages with steps and test results."""
    job = make_job(seed)
    day = document_day(on, seed)
    rng = random.Random(seed ^ 0x5AFE)
    fields = _fields(job)
    doc = Doc(learner_name, title, "Method statement", day)
    doc.meta(
        [
            ("Learner", learner_name),
            ("Date of work", f"{day:%d %B %Y}"),
            ("Site", job.site),
            ("Document ref.", job.ref(day)),
            ("Circuit", f"{job.circuit_no} — {job.circuit} ({job.device})"),
        ]
    )
    doc.h2("1. Scope of work")
    doc.para(_sentences(rng, texts(_MS, "scope"), 3, fields))
    doc.h2("2. Equipment")
    doc.bullets(
        [
            f"Approved voltage indicator to GS38: {job.indicator}",
            f"Proving unit: {job.prover}",
            f"Lock-off kit: {job.lock}, padlock and danger tag",
            f"Multifunction tester: {job.tester}",
            *rng.sample(texts(_MS, "extra_kit"), 2),
        ]
    )
    doc.para(_sentences(rng, texts(_MS, "equipment_notes"), 2, fields))
    doc.page_break()
    doc.h2("3. Hazards and control measures")
    doc.table(
        ["Hazard", "Risk", "Control measures"],
        rng.sample(rows(_MS, "hazards", "hazard", "risk", "controls"), rng.randrange(3, 6)),
        [45 * mm, 18 * mm, 97 * mm],
    )
    doc.h2("4. Method")
    doc.steps([s.format(**fields) for s in _method_steps(job)])
    doc.page_break()
    doc.h2("5. Test results")
    doc.para(_sentences(rng, texts(_MS, "results_intro"), 2, fields))
    doc.table(
        ["Test", "Between", "Instrument", "Reading", "Result"],
        _isolation_tests(job, rng),
        [44 * mm, 20 * mm, 44 * mm, 24 * mm, 28 * mm],
    )
    doc.h2("6. Re-energising and handover")
    doc.para(
        _sentences(rng, texts(_MS, "handover"), 2, fields)
        + " "
        + rng.choice(texts(_MS, "chart_sentences")).format(**fields)
    )
    if job.quality > 0.35:
        doc.page_break()
        doc.h2("7. What I would do differently")
        doc.para(_sentences(rng, texts(_MS, "reflection"), 3, fields))
        doc.para(_sentences(rng, texts(_MS, "reflection"), 2, fields))
    if job.quality > 0.7:
        doc.page_break()
        doc.h2("Appendix A — circuit chart as found")
        doc.table(
            ["Way", "Circuit", "Device", "Notes"],
            _circuit_chart(job, rng),
            [14 * mm, 70 * mm, 30 * mm, 46 * mm],
        )
    doc.declaration(learner_name, day)
    return doc.build()


def reflective_journal_pdf(learner_name: str, seed: int, *, on: date) -> bytes:
    """A reflective account in Gibbs' cycle, 3–5 pages."""
    rng = random.Random(seed)
    situation, setting, where = rng.choice(rows(_RJ, "situations", "situation", "setting", "where"))
    day = document_day(on, seed)
    event = day - timedelta(days=rng.randrange(1, 15))  # reflected on a little later
    fields = {
        "where": where,
        "mentor": rng.choice(_people()),
        "customer": rng.choice(texts(_RJ, "customers")),
    }
    sections = []
    for heading, pool in groups(_RJ, "gibbs"):
        chosen = sorted(rng.sample(range(len(pool)), rng.randrange(4, len(pool) + 1)))
        said = [_capitalised(pool[i].format(**fields)) for i in chosen]
        cut = rng.randrange(2, len(said) - 1)  # two paragraphs, as people write them
        sections.append((heading, [" ".join(said[:cut]), " ".join(said[cut:])]))
    words = sum(len(p.split()) for _, paras in sections for p in paras)
    doc = Doc(learner_name, f"Reflective account: {situation}", "Reflective journal", day)
    doc.meta(
        [
            ("Learner", learner_name),
            ("Date of event", f"{event:%d %B %Y}"),
            ("Setting", setting),
            ("Model used", "Gibbs' reflective cycle (1988)"),
            ("Word count", str(words)),
        ]
    )
    for i, (heading, paras) in enumerate(sections):
        doc.h2(heading)
        for para in paras:
            doc.para(para)
        if i in (1, 3) or (i == 4 and rng.random() < 0.5):
            doc.page_break()
    doc.h2("Action plan")
    doc.table(
        ["What I will do", "By when", "How I will know"],
        [
            (a, f"{day + timedelta(weeks=rng.randrange(2, 12)):%d %b %Y}", b)
            for a, b in rng.sample(rows(_RJ, "actions", "action", "evidence"), 3)
        ],
        [72 * mm, 26 * mm, 62 * mm],
    )
    doc.h2("References")
    doc.bullets(sorted(rng.sample(texts(_RJ, "references"), 3)))
    doc.declaration(learner_name, day)
    return doc.build()


def review_notes_pdf(learner_name: str, seed: int, *, on: date) -> bytes:
    """A learner's review of a colleague's change; the findings are the bugs in
    `code_sample_py(seed)` (all of them, or only the first for a weaker review)."""
    rng = random.Random(seed ^ 0xC0DE)
    sample = code_sample(seed)
    day = document_day(on, seed)
    pr = rng.randrange(120, 980)
    doc = Doc(learner_name, f"Code review: pull request #{pr}", "Review notes", day)
    doc.meta(
        [
            ("Reviewer", learner_name),
            ("Author", rng.choice(_people())),
            ("Repository", f"site-tools/{sample.module}"),
            ("Change", sample.change),
            ("Date", f"{day:%d %B %Y}"),
        ]
    )
    doc.h2("Summary")
    doc.para(
        _sentences(
            rng,
            texts(_RN, "summary"),
            3,
            {"change": sample.change.lower(), "module": sample.module},
        )
    )
    doc.h2("What works well")
    doc.bullets(rng.sample(texts(_RN, "good"), 3))
    doc.page_break()
    doc.h2("Findings")
    found = sample.findings if rng.random() < 0.7 else sample.findings[:1]
    table = [(where, sev, what, fix) for where, sev, what, fix in found]
    table += [
        (f"{sample.module}.py", "Minor", a, b)
        for a, b in rng.sample(rows(_RN, "nits", "finding", "suggestion"), 2)
    ]
    doc.table(
        ["Location", "Severity", "Finding", "Suggestion"],
        table,
        [32 * mm, 20 * mm, 57 * mm, 51 * mm],
    )
    doc.h2("Excerpt discussed")
    doc.code(sample.excerpt)
    doc.page_break()
    doc.h2("Testing")
    doc.para(_sentences(rng, texts(_RN, "testing"), 3, {"module": sample.module}))
    doc.h2("Recommendation")
    doc.para("Request changes. " + _sentences(rng, texts(_RN, "close"), 2, {}))
    doc.declaration(learner_name, day)
    return doc.build()


def induction_record_pdf(learner_name: str, seed: int, *, on: date) -> bytes:
    """A short (two-page) site induction record with the learner's answers."""
    rng = random.Random(seed ^ 0x517E)
    day = document_day(on, seed)
    site = rng.choice(texts(_IR, "sites"))
    doc = Doc(learner_name, "Site safety induction record", "Induction record", day)
    doc.meta(
        [
            ("Inductee", learner_name),
            ("Employer", rng.choice(texts(_IR, "employers"))),
            ("Site", site),
            ("Inducted by", f"{rng.choice(_people())} (site manager)"),
            ("Date", f"{day:%d %B %Y}"),
            ("CSCS card", f"{rng.randrange(10**7, 10**8)}"),
        ]
    )
    doc.h2("Topics covered")
    doc.table(
        ["Topic", "Covered", "Initials"],
        [(t, "Yes", _initials(learner_name)) for t in rng.sample(texts(_IR, "topics"), 7)],
        [110 * mm, 25 * mm, 25 * mm],
    )
    doc.h2("Emergency arrangements")
    doc.para(_sentences(rng, texts(_IR, "emergency"), 3, {"site": site}))
    doc.page_break()
    doc.h2("Knowledge check (my answers)")
    for q, answers in rng.sample(groups(_IR, "quiz"), 4):
        doc.para(q, bold=True)
        doc.para(rng.choice(answers))
    doc.declaration(learner_name, day)
    return doc.build()


def _fields(job: Job) -> dict[str, str]:
    return {
        "site": job.site,
        "task": job.task,
        "point": job.point_of_work,
        "circuit": job.circuit.lower(),
        "no": str(job.circuit_no),
        "device": job.device,
        "board": job.board,
        "indicator": job.indicator.split(" (")[0],
        "prover": job.prover,
        "lock": job.lock,
        "tag": job.tag_no,
    }


def _sentences(rng: random.Random, pool: Sequence[str], k: int, fields: dict[str, str]) -> str:
    """`k` sentences from `pool`, kept in the pool's order so that a story still reads on."""
    chosen = sorted(rng.sample(range(len(pool)), min(k, len(pool))))
    return " ".join(pool[i].format(**fields) for i in chosen)


def _initials(learner_name: str) -> str:
    """ "OÓB" for Oisín Ó Briain; an anonymous code (one word) stands as it is."""
    words = learner_name.split()
    return "".join(w[0] for w in words[:3]).upper() if len(words) > 1 else learner_name


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _method_steps(job: Job) -> list[str]:
    steps = list(texts(_MS, "steps"))
    if job.quality < 0.2:  # weak evidence: the re-prove step is missing, N–E not tested
        steps[6] = text(_MS, "weak_dead_test_step")
        del steps[7]
    return steps


def _isolation_tests(job: Job, rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    instrument = job.indicator.split(" (")[0]
    live = f"{rng.randrange(228, 247)} V"
    tests = [
        ("Prove indicator", "—", job.prover, "Indicated", "OK"),
        ("Before isolation (check)", "L–N", instrument, live, "Live, as expected"),
        ("Dead test at point of work", "L–N", instrument, "0 V", "Dead"),
        ("Dead test at point of work", "L–E", instrument, "0 V", "Dead"),
        ("Dead test at point of work", "N–E", instrument, "0 V", "Dead"),
        ("Re-prove indicator", "—", job.prover, "Indicated", "OK"),
    ]
    if job.quality < 0.2:
        del tests[4:]
    return tests


def _circuit_chart(job: Job, rng: random.Random) -> list[tuple[str, str, str, str]]:
    chart = []
    for way, (name, device) in enumerate(job.chart, start=1):
        note = (
            "Isolated for this job"
            if way == job.circuit_no
            else rng.choice(texts(_MS, "chart_notes"))
        )
        chart.append((str(way), name, device, note))
    chart += [
        (str(way), "Spare", "—", "Blank fitted") for way in range(len(job.chart) + 1, job.ways + 1)
    ]
    return chart


def _people() -> tuple[str, ...]:
    return texts("people", "people")
