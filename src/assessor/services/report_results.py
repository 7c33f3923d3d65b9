"""The results export: every signed evaluation of an assessment, each read from its record
and checked now (see report_data for why the record and not the rows)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.workflow import SubmissionStatus
from assessor.services.access import operation
from assessor.services.records import Roster, local_roster
from assessor.services.report_data import (
    KIND,
    CriterionResult,
    Signature,
    check_signed,
    decimal_of,
    signed_criteria,
)
from assessor.services.rubrics import rubric_by_digest
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database, Tx


@dataclass(frozen=True)
class ResultRow:
    submission_id: str
    learner: str
    rubric_id: str
    rubric_version: int
    rubric_digest: str
    scores: Mapping[str, CriterionResult]
    overall_comment: str
    total: Decimal | None  # None: the stored record cannot be read at all
    maximum: Decimal | None
    percentage: Decimal | None
    outcome: str
    band: str | None
    assessor_name: str
    assessor_did: str
    signed_at: str
    record_id: str
    record_digest: str
    current: bool  # False: a later signed correction supersedes it
    signature: Signature


@dataclass(frozen=True)
class ResultsData:
    assessment_id: str
    assessment_title: str
    criteria: tuple[tuple[str, str], ...]  # (id, title) of every criterion any row was scored on
    rows: tuple[ResultRow, ...]
    in_progress: int  # submissions with a draft and no current signed result: not exported


@operation(None)
def results_data(db: Database, assessment_id: str) -> ResultsData:
    """Every signed evaluation of the assessment's submissions, each read from its record
    and checked now; superseded ones are kept and marked. Drafts are not results."""
    roster = local_roster(db)
    with db.read() as tx:
        assessment = tx.get(m.Assessment, assessment_id)
        if assessment is None:
            raise UnknownChoice("assessment", assessment_id, [a for a, _ in q.assessments(tx)])
        submissions = _submissions(tx, assessment_id)
        by_submission: dict[str, list[r.StoredRecord]] = {}
        for stored in r.all_records(tx):
            if stored.kind == KIND and stored.submission_id in submissions:
                by_submission.setdefault(stored.submission_id, []).append(stored)
        rows: list[ResultRow] = []
        criteria: dict[str, str] = {}
        for submission_id, (learner, _status) in submissions.items():
            for stored in by_submission.get(submission_id, []):
                row = _result_row(tx, stored, learner, roster, criteria)
                if row is not None:
                    rows.append(row)
        current_subs = {row.submission_id for row in rows if row.current}
        in_progress = sum(
            1
            for sid, (_, status) in submissions.items()
            if status == SubmissionStatus.IN_PROGRESS.value and sid not in current_subs
        )
        return ResultsData(
            assessment.id, assessment.title, tuple(criteria.items()), tuple(rows), in_progress
        )


def _submissions(tx: Tx, assessment_id: str) -> dict[str, tuple[str, str]]:
    """submission id → (learner as shown, status), oldest first."""
    found: dict[str, tuple[str, str]] = {}
    f = q.QueueFilter(assessment_id=assessment_id)
    page = 1000
    while True:
        rows = q.queue_page(tx, f, limit=page, offset=len(found))
        found.update((row.id, (row.learner, row.status)) for row in rows)
        if len(rows) < page:
            return found


def _result_row(
    tx: Tx,
    stored: r.StoredRecord,
    learner: str,
    roster: Roster,
    criteria: dict[str, str],
) -> ResultRow | None:
    submission_id = stored.submission_id or ""
    signed = check_signed(stored, submission_id, roster)
    current = stored.evaluation_id is None or not q.is_superseded(tx, stored.evaluation_id)
    if signed.document is None:
        return ResultRow(
            submission_id, learner, "", 0, "", {}, "", None, None, None,
            "", None, "", stored.issuer, "", stored.id, stored.digest, current, signed.signature,
        )  # fmt: skip
    document = signed.document
    subject = document["credentialSubject"]
    rubric_ref = subject["rubric"]
    try:
        rubric = rubric_by_digest(tx, str(rubric_ref["digestMultibase"]))
        for c in rubric.criteria:
            criteria.setdefault(c.id, c.title)
    except DomainError:
        pass  # the row still says what was signed; the titles are only headings
    scores = signed_criteria(subject)
    for s in scores:
        criteria.setdefault(s.criterion_id, s.criterion_id)
    return ResultRow(
        submission_id=submission_id,
        learner=learner,
        rubric_id=str(rubric_ref["id"]),
        rubric_version=int(rubric_ref["version"]),
        rubric_digest=str(rubric_ref["digestMultibase"]),
        scores={s.criterion_id: s for s in scores},
        overall_comment=str(subject["overallComment"]),
        total=decimal_of(subject["total"]),
        maximum=decimal_of(subject["maximum"]),
        percentage=decimal_of(subject["percentage"]),
        outcome=str(subject["outcome"]),
        band=None if subject["band"] is None else str(subject["band"]),
        assessor_name=str(document["issuer"]["name"]),
        assessor_did=str(document["issuer"]["id"]),
        signed_at=str(document["validFrom"]),
        record_id=str(document["id"]),
        record_digest=signed.digest or "",
        current=current,
        signature=signed.signature,
    )
