"""`verify`'s check of signed evaluations against the rows the app shows with them: scores,
totals, evidence, learner, submission, rubric version, comments, band and assessor. It holds
whatever the audit log says: a record is signed, the log is not (decision 0019)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assessor.domain.subjects import learner_uri, session_id_of
from assessor.security.digests import multibase_digest
from assessor.security.records import record_kind
from assessor.services import exam_views
from assessor.services.access import operation
from assessor.store import exam, integrity
from assessor.store.db import Tx

Wrong = tuple[str, str]  # (table, problem)


def _text_number(value: Any) -> Decimal | str | None:
    """A stored or signed number as an exact value; text that is no number stays text (and
    so never equals a number)."""
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return f"not a number: {value!r}"


def _digest_of_hex(sha256: object) -> str:
    """The multibase digest of a stored hex SHA-256; a value that is no such hex stays as it
    is (and so never equals a signed digest)."""
    if isinstance(sha256, str) and len(sha256) == 64:
        try:
            return multibase_digest(bytes.fromhex(sha256))
        except ValueError:
            pass
    return f"not a SHA-256: {sha256!r}"


def _signed_context(tx: Tx, body: dict[str, Any]) -> Wrong | None:
    """The rows around a signed evaluation that the app shows with it: learner, submission,
    rubric version, overall comment, band, assessor."""
    subject = body["credentialSubject"]
    context = integrity.signed_context(tx, str(subject.get("evaluation")))
    if context is None:
        return ("evaluations", "the signed evaluation is missing")
    submission, rubric = subject.get("submission", {}), subject.get("rubric", {})
    issuer = body.get("issuer", {})
    submitted = context["submittedAt"]
    checks = [
        ("submissions", "learner", learner_uri(str(context["learner"])), subject.get("id")),
        ("evaluations", "submission", context["submission"], submission.get("id")),
        ("submissions", "assessment", context["assessment"], submission.get("assessment")),
        ("submissions", "attempt", context["attempt"], submission.get("attempt")),
        (
            "submissions",
            "submission time",
            f"{submitted[:19]}Z" if isinstance(submitted, str) else submitted,
            submission.get("submittedAt"),
        ),
        ("evaluations", "rubric", context["rubric"], rubric.get("id")),
        ("evaluations", "rubric version", context["version"], rubric.get("version")),
        ("evaluations", "rubric digest", context["digest"], rubric.get("digestMultibase")),
        (
            "evaluations",
            "overall comment",
            context["overallComment"],
            subject.get("overallComment"),
        ),
        ("evaluations", "band", context["band"], subject.get("band")),
        ("evaluations", "engine version", context["engineVersion"], subject.get("engineVersion")),
        ("evaluations", "assessor", context["assessorDid"], issuer.get("id")),
    ]
    for table, what, stored, signed in checks:
        if stored != signed:
            return (table, f"the {what} differs from what was signed")
    return None


def _session_as_signed(tx: Tx, row: integrity.RecordRow, subject: dict[str, Any]) -> Wrong | None:
    """A sealed session's rows, made into a record subject the way sealing does, must be
    the signed subject: the console shows these rows as what was sealed."""
    session = subject.get("session")
    session_id = session.get("id") if isinstance(session, dict) else None
    head = exam.head(tx, str(session_id))
    if head is None:
        return ("exam_sessions", f"the sealed session {session_id} is missing")
    if head.status != "sealed" or head.record_id != row.id.decode("utf-8", "replace"):
        return ("exam_runs", f"session {head.id} is not sealed by this record")
    shown = exam_views.view(head, exam.candidates(tx, head.id), exam.entries(tx, head.id))
    if head.sealed_at is None or exam_views.record_subject(shown, head.sealed_at) != subject:
        return ("exam_entries", f"session {head.id} differs from what was sealed")
    return None


def _amendment_as_signed(tx: Tx, row: integrity.RecordRow, subject: dict[str, Any]) -> Wrong | None:
    record_id = row.id.decode("utf-8", "replace")
    session_id = session_id_of(str(subject.get("id", ""))) or ""
    shown = [a for a in exam.amendments(tx, session_id) if a.record_id == record_id]
    amends = subject.get("amends")
    signed = (amends.get("id") if isinstance(amends, dict) else None, subject.get("text"))
    if [(a.amends, a.text) for a in shown] != [signed]:
        return ("exam_amendments", f"amendment {record_id} differs from what was signed")
    return None


def _signoff_as_signed(
    tx: Tx, row: integrity.RecordRow, body: dict[str, Any], subject: dict[str, Any]
) -> Wrong | None:
    """A sign-off decision shown on a submission must be the one its record signed."""
    stored = integrity.signoff_row(tx, str(body.get("id")))
    if stored is None:
        return ("signoffs", "the signed sign-off decision is missing")
    signed_ref = subject.get("assessmentRecord", {})
    checks = [
        ("the submission", stored["submission"], row.submission_id),
        ("the assessment record", stored["assessmentRecord"], signed_ref.get("id")),
        ("the decision", stored["decision"], subject.get("decision")),
        ("whom it returns to", stored["returnTo"], subject.get("returnTo")),
        ("the reason", stored["reason"], subject.get("comment")),
        ("the manager", stored["managerDid"], body.get("issuer", {}).get("id")),
    ]
    for what, shown, signed in checks:
        if shown != signed:
            return ("signoffs", f"{what} differs from what was signed")
    return None


@operation(None)  # a step of verify_store, which is the checked operation
def shown_as_signed(tx: Tx, row: integrity.RecordRow, body: dict[str, Any]) -> Wrong | None:
    """What the app shows for a signed evaluation must be what its record says, or a change
    to those rows would be shown as if it were signed: (table, problem) of the first
    difference, None when there is none."""
    subject = body.get("credentialSubject")
    if record_kind(body) == "ExamSessionRecord" and isinstance(subject, dict):
        return _session_as_signed(tx, row, subject)
    if record_kind(body) == "ExamSessionAmendmentRecord" and isinstance(subject, dict):
        return _amendment_as_signed(tx, row, subject)
    if record_kind(body) == "ProjectSignOffRecord" and isinstance(subject, dict):
        return _signoff_as_signed(tx, row, body, subject)
    if record_kind(body) != "ArtifactAssessmentRecord" or not isinstance(subject, dict):
        return None
    evaluation_id, submission = subject.get("evaluation"), subject.get("submission", {})
    if (row.evaluation_id, row.submission_id) != (evaluation_id, submission.get("id")):
        return ("records", "evaluation or submission differs from the signed body")
    evaluation = integrity.evaluation_row(tx, str(evaluation_id))
    if evaluation is None or evaluation[0] == "draft":
        return ("evaluations", "the signed evaluation is missing or back in draft")
    around = _signed_context(tx, body)
    if around is not None:
        return around
    signed_totals = (subject.get("total"), subject.get("maximum"), subject.get("outcome"))
    if (_text_number(evaluation[1]), _text_number(evaluation[2]), evaluation[3]) != (
        _text_number(signed_totals[0]),
        _text_number(signed_totals[1]),
        signed_totals[2],
    ):
        return ("evaluations", "total or outcome differs from what was signed")
    scores = [
        (c, lv, _text_number(p), m) for c, lv, p, m in integrity.score_rows(tx, str(evaluation_id))
    ]
    signed_scores = [
        (s.get("criterion"), s.get("level"), _text_number(s.get("points")), s.get("comment"))
        for s in subject.get("scores", [])
    ]
    if [x for x in scores if x[1] is not None] != signed_scores:
        return ("evaluation_scores", "scores differ from what was signed")
    evidence = [
        (name, media, size, _digest_of_hex(sha))
        for name, media, size, sha in integrity.evidence_rows(tx, str(submission.get("id")))
    ]
    signed_evidence = [
        (a.get("name"), a.get("mediaType"), a.get("size"), a.get("digestMultibase"))
        for a in submission.get("artifacts", [])
    ]
    if evidence != signed_evidence:
        return ("artifacts", "evidence differs from what was signed")
    return None
