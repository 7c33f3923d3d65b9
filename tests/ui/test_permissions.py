"""The UI asks the access policy (the domain's `decide`) for each act a screen offers."""

from __future__ import annotations

from typing import Any

import pytest

from assessor.domain import policy
from assessor.domain.policy import Operation, decide
from assessor.domain.scoring import score
from assessor.services.scoring import EvaluationView
from assessor.ui import permissions
from assessor.ui.permissions import COMMENT, FINALIZE, LEVEL, Permissions
from tests.conftest import sample_rubric

ME, SOMEONE = "profile-me", "profile-someone"


def view(evaluation: str | None, assessor: str | None, status: str) -> EvaluationView:
    rubric = sample_rubric()
    return EvaluationView(
        submission_id="sub-1",
        evaluation_id=evaluation,
        status=status,
        assessor_id=assessor,
        rubric_id=rubric.id,
        rubric_version=1,
        rubric_digest="uEi-test",
        criteria=(),
        overall_comment="",
        result=score(rubric, {}),
    )


NOT_STARTED = view(None, None, "to_score")
MY_DRAFT = view("ev-1", ME, "draft")
MY_SIGNED = view("ev-1", ME, "finalized")
THEIR_SIGNED = view("ev-2", SOMEONE, "finalized")


def test_an_assessor_scores_a_new_sheet_and_their_own_draft() -> None:
    may = Permissions(ME, ["assessor"])
    assert may.scoring().allowed
    for shown in (NOT_STARTED, MY_DRAFT):
        acts = may.sheet(shown)
        assert acts.edit.allowed and acts.finalize.allowed and not acts.correct.allowed
        assert acts.answer(LEVEL, editable=True).allowed


def test_a_signed_sheet_is_refused_in_the_policys_own_words() -> None:
    acts = Permissions(ME, ["assessor"]).sheet(MY_SIGNED)
    assert acts.answer(LEVEL, editable=False).reason == (
        "a finalized evaluation cannot be edited; start a correction instead"
    )
    assert acts.answer(FINALIZE, editable=False).reason == "this evaluation is already finalized"
    assert acts.correct.allowed  # the author may start a correction
    theirs = Permissions(ME, ["assessor"]).sheet(THEIR_SIGNED)
    assert not theirs.correct.allowed
    assert theirs.correct.reason == "an assessor can only correct their own evaluation"


@pytest.mark.parametrize("role", ["manager", "proctor"])
def test_a_manager_or_proctor_is_offered_no_scoring_act(role: str) -> None:
    may = Permissions(ME, [role])
    expected = decide(Operation.EVALUATION_EDIT, [role], "none", "none")
    assert may.scoring() == expected and not expected.allowed
    for shown in (NOT_STARTED, MY_DRAFT, THEIR_SIGNED):
        acts = may.sheet(shown)
        for act in (LEVEL, COMMENT, FINALIZE):
            answer = acts.answer(act, editable=True)
            assert not answer.allowed and f"a {role} cannot" in answer.reason


def test_every_answer_comes_from_the_domain_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Any, ...]] = []

    def watched(*args: Any, **kwargs: Any) -> policy.Decision:
        asked.append(args)
        return decide(*args, **kwargs)

    monkeypatch.setattr(permissions, "decide", watched)
    Permissions(ME, ["assessor"]).sheet(THEIR_SIGNED)
    assert [a[0] for a in asked] == [
        Operation.EVALUATION_EDIT,
        Operation.EVALUATION_FINALIZE,
        Operation.EVALUATION_SUPERSEDE,
    ]
    assert all(a[2] == policy.Ownership.OTHERS and a[3] == policy.State.FINALIZED for a in asked)
