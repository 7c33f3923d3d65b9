"""The access policy, cell by cell: every operation × role × ownership × state is compared
with rules written out here in plain words (not read back from POLICY), then the examples
from the issue by name, deny by default, multi-role profiles and reasons."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from assessor.domain.errors import NotAllowed
from assessor.domain.policy import (
    POLICY,
    Decision,
    Operation,
    Ownership,
    State,
    decide,
    require,
)
from assessor.domain.roles import PROFILE_ROLES, Role

A, M, P, L = Role.ASSESSOR, Role.MANAGER, Role.PROCTOR, Role.LOCAL
OWN, OTHERS, NO_OWNER = Ownership.OWN, Ownership.OTHERS, Ownership.NONE
EVALUATION_STATES = (State.DRAFT, State.FINALIZED, State.SUPERSEDED)
DOC = Path(__file__).resolve().parents[2] / "docs" / "access-control.md"


def expected(op: Operation, role: Role, own: Ownership, state: State) -> bool:
    """The intended rules, written independently of the table."""
    no_subject = own is NO_OWNER and state is State.NONE
    signed = state in (State.FINALIZED, State.SUPERSEDED, State.SEALED)
    match op:
        case (
            Operation.PROFILE_CREATE
            | Operation.RUBRIC_IMPORT
            | Operation.RUBRIC_PUBLISH
            | Operation.DEMO_WRITE
            | Operation.STORE_VERIFY
            | Operation.PACKAGE_IMPORT
        ):
            return no_subject
        case Operation.PACKAGE_EXPORT:
            return role in (A, M, L) and no_subject
        case Operation.SYNC_RUN:
            return role is not L and no_subject
        case Operation.EVALUATION_EDIT:
            return role is A and ((own is OWN and state is State.DRAFT) or no_subject)
        case Operation.EVALUATION_FINALIZE:
            return role is A and own is OWN and state is State.DRAFT
        case Operation.EVALUATION_SUPERSEDE:
            return role is A and own is OWN and state is State.FINALIZED
        case Operation.EVALUATION_VIEW:
            return role in (A, M)
        case Operation.RECORD_EXPORT:
            if role is L:
                return own is OTHERS and signed  # the local user owns nothing
            return own in (OWN, OTHERS) and signed
        case Operation.SIGNOFF_DECIDE:
            return role is M and own is OTHERS and state is State.FINALIZED
        case Operation.EXAM_OPEN:
            return role is P and no_subject
        case Operation.EXAM_AMEND:
            return role is M and state is State.SEALED
        case (
            Operation.EXAM_ROSTER
            | Operation.EXAM_CHECK_IN
            | Operation.EXAM_LOG_INCIDENT
            | Operation.EXAM_SET_OUTCOME
            | Operation.EXAM_SEAL
        ):
            return role is P and state is State.OPEN
    raise AssertionError(f"no expectation written for {op}; add one above")


def cells() -> list[tuple[Role, Ownership, State]]:
    return list(itertools.product(Role, Ownership, State))


# -- the matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize("op", list(Operation))
def test_every_cell_matches_the_written_rules(op: Operation) -> None:
    wrong = []
    for role, own, state in cells():
        decision = decide(op, [role], own, state)
        assert decision.reason, (op, role, own, state)
        assert "do '" not in decision.reason, f"{op} has no words in policy._ACTS"
        if decision.allowed != expected(op, role, own, state):
            wrong.append((str(role), str(own), str(state), decision))
    assert wrong == []


@pytest.mark.parametrize("op", list(Operation))
def test_a_profile_with_several_roles_is_allowed_when_any_role_is(op: Operation) -> None:
    wrong = []
    for size in (2, 3):
        for roles in itertools.combinations(PROFILE_ROLES, size):
            for own, state in itertools.product(Ownership, State):
                want = any(expected(op, r, own, state) for r in roles)
                if decide(op, roles, own, state).allowed != want:
                    wrong.append((roles, str(own), str(state)))
    assert wrong == []


@pytest.mark.parametrize("op", list(Operation))
def test_require_agrees_with_decide(op: Operation) -> None:
    for role, own, state in cells():
        decision = decide(op, [role], own, state)
        if decision.allowed:
            assert require(op, [role], own, state) is None
        else:
            with pytest.raises(NotAllowed) as raised:
                require(op, [role], own, state)
            assert raised.value.message == decision.reason
            assert raised.value.code == "not-allowed"


# -- deny by default ------------------------------------------------------------------------


def test_every_operation_has_a_policy_entry() -> None:
    missing = [op for op in Operation if not POLICY.get(op)]
    assert missing == []


def test_an_operation_missing_from_the_table_is_denied_for_everyone() -> None:
    table = {Operation.SYNC_RUN: POLICY[Operation.SYNC_RUN]}
    for role, own, state in cells():
        decision = decide(Operation.EVALUATION_VIEW, [role], own, state, policy=table)
        assert decision == Decision(
            False,
            "nobody may view an evaluation: 'evaluation.view' has no entry in the access policy",
        )
    assert decide(Operation.SYNC_RUN, [A], NO_OWNER, State.NONE, policy=table).allowed


def test_an_empty_entry_is_denied_too() -> None:
    table = {Operation.SYNC_RUN: frozenset[tuple[Role, Ownership, State]]()}
    assert not decide(Operation.SYNC_RUN, [A], NO_OWNER, State.NONE, policy=table).allowed


def test_the_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        POLICY[Operation.SIGNOFF_DECIDE] = frozenset()  # type: ignore[index]


def test_most_cells_are_denied() -> None:
    allowed = sum(len(v) for v in POLICY.values())
    assert allowed < len(Operation) * len(cells()) // 4


# -- the examples from the issue, by name ---------------------------------------------------


def test_an_assessor_cannot_sign_off() -> None:
    for own, state in itertools.product(Ownership, State):
        decision = decide(Operation.SIGNOFF_DECIDE, [A], own, state)
        assert not decision.allowed
        assert decision.reason.startswith("an assessor cannot sign off")
        assert "manager" in decision.reason


def test_a_manager_signs_off_someone_elses_finalized_evaluation() -> None:
    assert decide(Operation.SIGNOFF_DECIDE, [M], OTHERS, State.FINALIZED) == Decision(
        True, "allowed as manager"
    )


def test_a_manager_cannot_sign_off_their_own_evaluation() -> None:
    decision = decide(Operation.SIGNOFF_DECIDE, [M], OWN, State.FINALIZED)
    assert decision == Decision(False, "a manager cannot sign off their own evaluation")


def test_a_manager_who_is_also_an_assessor_still_cannot_sign_off_their_own_work() -> None:
    decision = decide(Operation.SIGNOFF_DECIDE, [A, M], OWN, State.FINALIZED)
    assert decision == Decision(False, "a manager cannot sign off their own evaluation")


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (State.DRAFT, "a draft evaluation cannot be signed off; it must be finalized first"),
        (
            State.SUPERSEDED,
            "a superseded evaluation cannot be signed off; "
            "sign off the correction that replaced it",
        ),
    ],
)
def test_a_manager_signs_off_only_a_finalized_evaluation(state: State, words: str) -> None:
    assert decide(Operation.SIGNOFF_DECIDE, [M], OTHERS, state) == Decision(False, words)


def test_nobody_edits_a_finalized_or_superseded_evaluation() -> None:
    # Only looking, exporting, correcting and signing off touch a closed evaluation.
    touching = set(Operation) - {
        Operation.EVALUATION_VIEW,
        Operation.RECORD_EXPORT,
        Operation.EVALUATION_SUPERSEDE,
        Operation.SIGNOFF_DECIDE,
    }
    for op in touching:
        for role, own in itertools.product(Role, Ownership):
            for state in (State.FINALIZED, State.SUPERSEDED):
                assert not decide(op, [role], own, state).allowed, (op, role, own, state)
                assert not decide(op, list(Role), own, state).allowed, (op, own, state)


def test_a_finalized_evaluation_cannot_be_edited_start_a_correction_instead() -> None:
    decision = decide(Operation.EVALUATION_EDIT, [A], OWN, State.FINALIZED)
    assert decision == Decision(
        False, "a finalized evaluation cannot be edited; start a correction instead"
    )


def test_a_correction_starts_from_the_assessors_own_finalized_evaluation() -> None:
    assert decide(Operation.EVALUATION_SUPERSEDE, [A], OWN, State.FINALIZED).allowed
    assert not decide(Operation.EVALUATION_SUPERSEDE, [A], OTHERS, State.FINALIZED).allowed
    superseded = decide(Operation.EVALUATION_SUPERSEDE, [A], OWN, State.SUPERSEDED)
    assert not superseded.allowed
    assert "superseded" in superseded.reason


def test_an_assessor_edits_and_finalizes_only_their_own_draft() -> None:
    for op in (Operation.EVALUATION_EDIT, Operation.EVALUATION_FINALIZE):
        assert decide(op, [A], OWN, State.DRAFT).allowed
        other = decide(op, [A], OTHERS, State.DRAFT)
        assert not other.allowed
        assert other.reason.startswith("an assessor can only")
        assert "their own evaluation" in other.reason


def test_an_assessor_starts_a_new_draft_but_cannot_finalize_nothing() -> None:
    assert decide(Operation.EVALUATION_EDIT, [A], NO_OWNER, State.NONE).allowed
    decision = decide(Operation.EVALUATION_FINALIZE, [A], NO_OWNER, State.NONE)
    assert decision == Decision(False, "there is no evaluation to finalize")


def test_no_profile_must_unlock_an_assessor_profile_to_score() -> None:
    decision = decide(Operation.EVALUATION_EDIT, [L], NO_OWNER, State.NONE)
    assert not decision.allowed
    assert decision.reason.startswith("no profile: unlock a profile with the assessor role first")


def test_no_profile_must_unlock_any_profile_to_sync() -> None:
    decision = decide(Operation.SYNC_RUN, [L], NO_OWNER, State.NONE)
    assert not decision.allowed
    assert decision.reason.startswith("no profile: unlock a profile first")


@pytest.mark.parametrize(
    "op",
    [
        Operation.PROFILE_CREATE,
        Operation.RUBRIC_IMPORT,
        Operation.RUBRIC_PUBLISH,
        Operation.DEMO_WRITE,
        Operation.STORE_VERIFY,
        Operation.PACKAGE_IMPORT,
        Operation.PACKAGE_EXPORT,
    ],
)
def test_bootstrap_and_maintenance_need_no_profile(op: Operation) -> None:
    assert decide(op, [L], NO_OWNER, State.NONE) == Decision(True, "allowed as local")


def test_signed_records_may_be_exported_by_anyone_but_drafts_have_none() -> None:
    for role in Role:
        own = OTHERS if role is L else OWN
        for state in (State.FINALIZED, State.SUPERSEDED, State.SEALED):
            assert decide(Operation.RECORD_EXPORT, [role], own, state).allowed, (role, state)
    draft = decide(Operation.RECORD_EXPORT, [A], OWN, State.DRAFT)
    assert draft == Decision(False, "a draft has no signed record yet; finalize it first")


def test_a_proctor_works_an_open_session_and_a_sealed_one_never_changes() -> None:
    assert decide(Operation.EXAM_OPEN, [P], NO_OWNER, State.NONE).allowed
    for op in (
        Operation.EXAM_ROSTER,
        Operation.EXAM_CHECK_IN,
        Operation.EXAM_LOG_INCIDENT,
        Operation.EXAM_SET_OUTCOME,
        Operation.EXAM_SEAL,
    ):
        assert decide(op, [P], OWN, State.OPEN).allowed
        sealed = decide(op, [P], OWN, State.SEALED)
        assert not sealed.allowed
        assert "sealed" in sealed.reason
        assessor = decide(op, [A], OWN, State.OPEN)
        assert assessor.reason.startswith("an assessor cannot")
        assert "proctor" in assessor.reason
    assert decide(Operation.EXAM_AMEND, [M], OTHERS, State.SEALED).allowed
    assert not decide(Operation.EXAM_AMEND, [P], OWN, State.SEALED).allowed
    assert "open exam session" in decide(Operation.EXAM_AMEND, [M], OTHERS, State.OPEN).reason


def test_a_proctor_cannot_see_or_score_evaluations() -> None:
    for op in (Operation.EVALUATION_VIEW, Operation.EVALUATION_EDIT):
        decision = decide(op, [P], OWN, State.DRAFT)
        assert not decision.allowed
        assert decision.reason.startswith("a proctor cannot")


# -- reasons and odd input ------------------------------------------------------------------


@pytest.mark.parametrize("op", list(Operation))
def test_a_role_denial_names_the_role(op: Operation) -> None:
    for role, own, state in cells():
        decision = decide(op, [role], own, state)
        permitted_somewhere = any(c[0] is role for c in POLICY[op])
        if not decision.allowed and not permitted_somewhere:
            name = "no profile" if role is L else str(role)
            assert name in decision.reason, (op, role, decision.reason)


@pytest.mark.parametrize("op", list(Operation))
def test_a_state_denial_names_the_state(op: Operation) -> None:
    for role, own, state in cells():
        decision = decide(op, [role], own, state)
        states_for_role = {s for r, _, s in POLICY[op] if r is role}
        if states_for_role and state not in states_for_role:
            word = "no " if state is State.NONE else str(state)
            assert word in decision.reason, (op, role, state, decision.reason)


def test_several_denied_roles_are_all_named() -> None:
    decision = decide(Operation.SIGNOFF_DECIDE, [A, P], OTHERS, State.FINALIZED)
    assert decision == Decision(
        False, "an assessor or a proctor cannot sign off an evaluation; it needs the manager role"
    )


def test_an_unknown_role_is_denied_with_a_reason() -> None:
    decision = decide(Operation.EVALUATION_VIEW, ["admin"], OWN, State.DRAFT)
    assert decision == Decision(
        False, "unknown role 'admin'; valid: assessor, local, manager, proctor"
    )
    with pytest.raises(NotAllowed, match="unknown role 'admin'"):
        require(Operation.EVALUATION_VIEW, ["admin"], OWN, State.DRAFT)


def test_an_unknown_role_grants_nothing_beside_a_known_one() -> None:
    assert decide(Operation.EVALUATION_VIEW, ["admin", "manager"], OTHERS, State.DRAFT).allowed
    decision = decide(Operation.SIGNOFF_DECIDE, ["root", "assessor"], OTHERS, State.FINALIZED)
    assert not decision.allowed
    assert decision.reason.startswith("an assessor cannot sign off")


def test_role_names_may_be_plain_strings_and_a_bare_string_is_one_role() -> None:
    assert decide("signoff.decide", ("manager",), "others", "finalized").allowed
    assert decide(Operation.SIGNOFF_DECIDE, "manager", OTHERS, State.FINALIZED).allowed
    assert not decide(Operation.SIGNOFF_DECIDE, "assessor", OTHERS, State.FINALIZED).allowed


def test_no_roles_is_denied() -> None:
    decision = decide(Operation.EVALUATION_VIEW, [], OWN, State.DRAFT)
    assert decision == Decision(False, "no role given: nobody may view an evaluation without one")


@pytest.mark.parametrize(
    ("op", "own", "state", "reason"),
    [
        ("evaluation.delete", "own", "draft", "unknown operation 'evaluation.delete'"),
        ("evaluation.view", "mine", "draft", "unknown ownership 'mine'; valid: none, others, own"),
        (
            "evaluation.view",
            "own",
            "archived",
            "unknown state 'archived'; valid: draft, finalized, none, open, sealed, superseded",
        ),
    ],
)
def test_unknown_names_are_denied_without_a_crash(
    op: str, own: str, state: str, reason: str
) -> None:
    assert decide(op, [M], own, state) == Decision(False, reason)


def test_a_role_that_is_not_a_string_is_unknown_not_a_crash() -> None:
    decision = decide(Operation.EVALUATION_VIEW, [None], OWN, State.DRAFT)  # type: ignore[list-item]
    assert not decision.allowed
    assert decision.reason.startswith("unknown role 'None'")


def test_the_local_user_never_owns_anything() -> None:
    assert all(own is not OWN for op in Operation for role, own, _ in POLICY[op] if role is L)


# -- the documentation shows the same table -------------------------------------------------


def markdown_table() -> str:
    """POLICY as the Markdown table in docs/access-control.md, one column per role."""
    lines = [
        "| operation | " + " | ".join(Role) + " |",
        "| --- |" + " --- |" * len(Role),
    ]
    for op in Operation:
        row = [f"`{op}`"] + [describe(POLICY[op], role) for role in Role]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def describe(cells: frozenset[tuple[Role, Ownership, State]], role: Role) -> str:
    mine = {(o, s) for r, o, s in cells if r is role}
    if not mine:
        return "—"
    if len(mine) == len(Ownership) * len(State):
        return "any"
    parts = []
    if (NO_OWNER, State.NONE) in mine:
        parts.append("no subject")
        mine.discard((NO_OWNER, State.NONE))
    # Owners that share the same states are written together: "own, others: finalized".
    by_states: dict[tuple[State, ...], list[Ownership]] = {}
    for own in Ownership:
        states = tuple(s for s in State if (own, s) in mine)
        if states:
            by_states.setdefault(states, []).append(own)
    for states, owners in by_states.items():
        who = "any owner" if len(owners) == len(Ownership) else " or ".join(owners)
        parts.append(f"{who}: {', '.join(states)}")
    return "; ".join(parts)


def test_the_documentation_shows_the_table_as_it_is() -> None:
    table = markdown_table()
    assert table in DOC.read_text(encoding="utf-8"), (
        "docs/access-control.md is out of date; paste this table:\n" + table
    )
