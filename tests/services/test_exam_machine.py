"""A Hypothesis state machine of an exam session against a real data folder: random
check-ins, movements, incidents, outcomes and seal attempts, each checked against a model
written here from the rules in words. No transition leaves a terminal outcome or a sealed
session; sealing is refused, naming exactly what is missing, while any candidate has no
outcome; the sealed record says what `show_session` showed just before.

ASSESSOR_EXAM_EXAMPLES sets the number of runs (default 12)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from assessor.domain.errors import DomainError
from assessor.security.records import parse_record
from assessor.services import exam_sessions as es
from assessor.services.exam_seal import SealRefused, seal_session
from assessor.services.exam_views import record_subject
from assessor.services.profiles import Signer
from assessor.store.db import Database
from tests.services.exam_world import START, People, people, roster_file

CANDIDATES = ("C1", "C2", "C3")
FINAL = {"completed", "withdrew", "terminated", "voided"}
SAT = {"completed", "withdrew", "terminated"}  # they sat the exam: checked in first
EXAMPLES = int(os.environ.get("ASSESSOR_EXAM_EXAMPLES", "12"))

candidate = st.sampled_from(CANDIDATES)
outcome = st.sampled_from(["completed", "no-show", "withdrew", "terminated", "voided"])


class ExamSession(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="exam-machine-"))
        self.db = Database.open(self.folder / "data")
        self.who: People = people(self.db)
        self.signer: Signer = self.who.signer(self.db)
        view = es.create_session(
            self.db,
            self.who.proctor,
            title="Machine",
            kind="remote",
            starts_at=START,
            ends_at=START + timedelta(hours=3),
        )
        self.session = view.id
        lines = ["candidate,name"] + [f"{c},Person {c}" for c in CANDIDATES]
        es.import_roster(self.db, self.who.proctor, self.session, roster_file(self.folder, lines))
        self.checked_in = dict.fromkeys(CANDIDATES, False)
        self.outcomes: dict[str, str | None] = dict.fromkeys(CANDIDATES, None)
        self.entries = 0
        self.sealed = False

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _expect(self, allowed: bool, act: object) -> bool:
        """Run `act`; it must succeed exactly when the model allows it."""
        try:
            act()  # type: ignore[operator]
        except DomainError as exc:
            assert not allowed, f"refused although allowed: {exc.message}"
            if self.sealed:
                assert "sealed" in exc.message
            return False
        assert allowed, "allowed although the model refuses it"
        self.entries += 1
        return True

    @rule(c=candidate, method=st.sampled_from(["passport", "known"]))
    def check_in(self, c: str, method: str) -> None:
        allowed = not self.sealed and not self.checked_in[c] and self.outcomes[c] not in FINAL
        if self._expect(
            allowed, lambda: es.check_in(self.db, self.who.proctor, self.session, c, method)
        ):
            self.checked_in[c] = True
            self.outcomes[c] = None  # a late no-show

    @rule(c=candidate, move=st.sampled_from(["entry", "exit", "break-start", "break-end"]))
    def move(self, c: str, move: str) -> None:
        allowed = not self.sealed and self.checked_in[c]
        self._expect(
            allowed,
            lambda: es.record_movement(self.db, self.who.other_proctor, self.session, c, move),
        )

    @rule(named=st.lists(candidate, unique=True, max_size=2), severity=st.sampled_from("gyrb"))
    def incident(self, named: list[str], severity: str) -> None:
        words = {"g": "green", "y": "yellow", "r": "red", "b": "blue"}
        incident = es.Incident("other", words[severity], "Something happened", named)
        self._expect(
            not self.sealed,
            lambda: es.log_incident(self.db, self.who.proctor, self.session, incident),
        )

    @rule(c=candidate, value=outcome)
    def set_outcome(self, c: str, value: str) -> None:
        old = self.outcomes[c]
        allowed = (
            not self.sealed
            and old not in FINAL
            and (value not in SAT or self.checked_in[c])
            and not (value == "no-show" and self.checked_in[c])
        )
        if self._expect(
            allowed, lambda: es.set_outcome(self.db, self.who.proctor, self.session, c, value)
        ):
            self.outcomes[c] = value

    @rule()
    def close_out(self) -> None:
        """What a proctor does at the end: every candidate still without an outcome gets
        one (completed if they checked in, else no-show); sealing can then succeed."""
        for c in CANDIDATES:
            if self.outcomes[c] is None:
                self.set_outcome(c, "completed" if self.checked_in[c] else "no-show")

    @rule()
    def seal(self) -> None:
        shown = es.show_session(self.db, self.session)
        missing = [f"candidate {c} has no outcome" for c in CANDIDATES if self.outcomes[c] is None]
        try:
            sealed = seal_session(self.db, self.session, self.signer, expected=shown)
        except SealRefused as exc:
            assert not self.sealed and missing
            assert list(exc.missing) == missing
            event("seal refused: incomplete")
            return
        except DomainError as exc:
            assert self.sealed and "already sealed" in exc.message
            return
        assert not self.sealed and not missing
        self.sealed = True
        event("sealed")
        con = sqlite3.connect(self.db.path)
        body = con.execute("SELECT body FROM records WHERE id = ?", (sealed.record_id,))
        record = parse_record(str(body.fetchone()[0]).encode())
        con.close()
        # What was signed is what the console showed, and what the model holds.
        assert record["credentialSubject"] == record_subject(shown, sealed.sealed_at)
        signed = {r["candidate"]: r["outcome"] for r in record["credentialSubject"]["roster"]}
        assert signed == self.outcomes

    @invariant()
    def the_session_is_the_model(self) -> None:
        shown = es.show_session(self.db, self.session)
        assert shown.state == ("sealed" if self.sealed else "open")
        assert {c.id: c.outcome for c in shown.candidates} == self.outcomes
        assert {c.id: c.checked_in_at is not None for c in shown.candidates} == self.checked_in
        assert [e.seq for e in shown.log] == list(range(1, self.entries + 1))

    @precondition(lambda self: self.sealed)
    @invariant()
    def a_sealed_session_verifies(self) -> None:
        from assessor.services.verify import verify_store

        report = verify_store(self.db)
        assert report.ok, report.finding


ExamSession.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestExamSession = pytest.mark.timeout(900)(ExamSession.TestCase)
