"""Demo evidence: learners' files (PDF, PNG, text, Python) made deterministically from a seed.

Everything here is fiction built from phrase lists (in ``resources/demo/evidence``), so the
demo data folder looks like a real assessor's queue: method statements, photographs of a
locked-off board, test records, reflective journals and code for review. The same seed always
gives the same bytes; the files made for one submission share one seed, so the circuit in the
method statement is the one locked off in the photo and listed in the test record.
"""

from assessor.formats.demo_data.evidence.documents import (
    induction_record_pdf,
    method_statement_pdf,
    reflective_journal_pdf,
    review_notes_pdf,
)
from assessor.formats.demo_data.evidence.kinds import (
    KINDS,
    PDF,
    PNG,
    PYTHON,
    TEXT,
    EvidenceFile,
    evidence_for,
)
from assessor.formats.demo_data.evidence.png import photo_png
from assessor.formats.demo_data.evidence.text import code_sample_py, test_record_txt

__all__ = [
    "KINDS",
    "PDF",
    "PNG",
    "PYTHON",
    "TEXT",
    "EvidenceFile",
    "code_sample_py",
    "evidence_for",
    "induction_record_pdf",
    "method_statement_pdf",
    "photo_png",
    "reflective_journal_pdf",
    "review_notes_pdf",
    "test_record_txt",
]
