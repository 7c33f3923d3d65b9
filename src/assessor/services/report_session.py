"""What the exam session report prints: the session as the console shows it, and whether that
is what was sealed.

A sealed session's record carries no names, so the report prints the rows (with names) and
checks them the way `verify` does: the record verifies (proof, the proctor's key and role),
and the rows made into a record subject are the signed subject. Each amendment's record is
checked the same way. An open session has no record yet: it prints, stamped as not sealed.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessor.services.access import operation
from assessor.services.exam_checks import session_head
from assessor.services.exam_views import SessionView, record_subject, view
from assessor.services.records import local_roster
from assessor.services.report_data import Signature, checked_record, verification_url
from assessor.store import exam as s
from assessor.store import models as m
from assessor.store import records as r
from assessor.store.db import Database


@dataclass(frozen=True)
class AmendmentView:
    record_id: str
    manager: str
    at: str
    text: str
    signature: Signature
    problem: str | None  # the amendment does not name this session's record, or says otherwise


@dataclass(frozen=True)
class SessionReportData:
    session: SessionView
    names: dict[str, str]  # profile id → name, for who logged what
    signature: Signature  # the seal's ("unsigned" while the session is open)
    amendments: tuple[AmendmentView, ...]
    record_digest: str | None = None  # recomputed from the stored bytes
    verification_url: str | None = None
    problems: tuple[str, ...] = ()

    def name(self, profile_id: str | None) -> str:
        return "—" if profile_id is None else self.names.get(profile_id, profile_id)

    @property
    def verified(self) -> bool:
        return (
            self.signature.state == "verified"
            and not self.problems
            and all(a.signature.state == "verified" and not a.problem for a in self.amendments)
        )


@operation(None)
def session_report_data(db: Database, session_id: str) -> SessionReportData:
    """The session with its log in sequence order, its seal checked now, its amendments."""
    roster = local_roster(db)
    with db.read() as tx:
        head = session_head(tx, session_id)
        candidates, entries = s.candidates(tx, head.id), s.entries(tx, head.id)
        stored_amendments = s.amendments(tx, head.id)
        shown = view(head, candidates, entries, stored_amendments)
        actors = {head.proctor_id, *(e.actor_id for e in entries)}
        actors |= {a.manager_id for a in stored_amendments}
        names = {}
        for profile_id in actors - {None}:
            profile = tx.get(m.Profile, profile_id)
            names[str(profile_id)] = profile.name if profile else str(profile_id)
        if head.record_id is None:
            return SessionReportData(shown, names, Signature("unsigned"), ())
        problems: list[str] = []
        stored = r.record_by_ref(tx, head.record_id)
        if stored is None:
            missing = f"the record {head.record_id} that sealed the session is missing"
            return SessionReportData(
                shown, names, Signature("invalid", problem=missing), (), problems=(missing,)
            )
        document, signature, digest = checked_record(stored.body, roster)
        if digest is not None and digest != stored.digest:
            problems.append("the digest stored beside the record is not the record's digest")
        signed = (document or {}).get("credentialSubject")
        if signed is not None and record_subject(shown, head.sealed_at or "") != signed:
            problems.append(
                "the session as stored on this computer differs from what was sealed "
                "(run `assessor verify`)"
            )
        amendments = []
        for a in stored_amendments:
            amendment = r.record_by_ref(tx, a.record_id)
            body = amendment.body if amendment else b""
            amended, a_signature, _ = checked_record(body, roster)
            subject = (amended or {}).get("credentialSubject", {})
            wrong = None
            if subject.get("amends", {}).get("digestMultibase") != stored.digest:
                wrong = "it does not name this session's record by its digest"
            elif subject.get("text") != a.text:
                wrong = "its text on this computer differs from the signed one"
            amendments.append(
                AmendmentView(
                    a.record_id,
                    a.manager_id,
                    a.created_at,
                    str(subject.get("text", a.text)),  # the signed text, when readable
                    a_signature,
                    wrong,
                )
            )
        return SessionReportData(
            shown,
            names,
            signature,
            tuple(amendments),
            record_digest=digest,
            verification_url=verification_url(tx, stored.id),
            problems=tuple(problems),
        )
