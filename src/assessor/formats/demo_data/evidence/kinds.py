"""Which files a learner hands in for each kind of assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessor.formats.demo_data.evidence.documents import (
    induction_record_pdf,
    method_statement_pdf,
    reflective_journal_pdf,
    review_notes_pdf,
)
from assessor.formats.demo_data.evidence.job import make_job
from assessor.formats.demo_data.evidence.png import photo_png
from assessor.formats.demo_data.evidence.text import code_sample_py, test_record_txt

KINDS = ("safe-isolation", "site-induction", "reflective-practice", "code-review")

PDF = "application/pdf"
PNG = "image/png"
TEXT = "text/plain"  # always UTF-8
PYTHON = "text/x-python"


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    media_type: str
    data: bytes


def evidence_for(kind: str, learner_name: str, seed: int, *, on: date) -> list[EvidenceFile]:
    """The files a learner would hand in for one kind of assessment on the day `on`; the
    documents are dated that day or a few days before. `learner_name` is how the learner signs
    their work: their name, or their anonymous code when the assessment is blind-marked (the
    files then name nobody)."""
    if kind == "safe-isolation":
        job = make_job(seed)
        return [
            EvidenceFile(
                "method-statement.pdf",
                PDF,
                method_statement_pdf(
                    learner_name, "Safe isolation of a final circuit", seed, on=on
                ),
            ),
            EvidenceFile(
                "isolation-photo.png",
                PNG,
                photo_png(
                    f"Circuit {job.circuit_no} ({job.circuit}) locked off at the {job.board}", seed
                ),
            ),
            EvidenceFile("test-record.txt", TEXT, test_record_txt(learner_name, seed, on=on)),
        ]
    if kind == "site-induction":
        return [
            EvidenceFile(
                "induction-photo.png",
                PNG,
                photo_png("Site noticeboard, PPE and emergency signs", seed, scene="site"),
            ),
            EvidenceFile(
                "induction-record.pdf", PDF, induction_record_pdf(learner_name, seed, on=on)
            ),
        ]
    if kind == "reflective-practice":
        return [
            EvidenceFile(
                "reflective-journal.pdf", PDF, reflective_journal_pdf(learner_name, seed, on=on)
            )
        ]
    if kind == "code-review":
        return [
            EvidenceFile("review-notes.pdf", PDF, review_notes_pdf(learner_name, seed, on=on)),
            EvidenceFile("solution.py", PYTHON, code_sample_py(seed)),
        ]
    raise ValueError(f"unknown evidence kind '{kind}'; valid: {', '.join(sorted(KINDS))}")
