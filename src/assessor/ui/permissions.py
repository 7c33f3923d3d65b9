"""What the person at the desk may do, asked of the access policy (`assessor.domain.policy`).

The screens offer an act only when the policy allows it, and otherwise show the policy's own
reason; the services check the same table again before they write. This module is the one
place in the UI that asks: it turns a screen's subject into the policy's terms (ownership and
state) and never decides anything by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessor.domain.policy import Decision, Operation, Ownership, State, decide
from assessor.services.scoring import EvaluationView


def ownership(owner: str | None, me: str) -> Ownership:
    """The subject's maker as the policy sees it (the rule of `services.access.check`)."""
    if owner is None:
        return Ownership.NONE
    return Ownership.OWN if owner == me else Ownership.OTHERS


def _state(status: str) -> State:
    try:
        return State(status)
    except ValueError:  # a state this version does not know is refused, with its name
        return State.NONE


# The acts a score sheet offers a key or a control for.
LEVEL, COMMENT, OVERALL, FINALIZE = "level", "comment", "overall", "finalize"


@dataclass(frozen=True)
class SheetActs:
    """The acts a score sheet offers, each with the policy's answer."""

    edit: Decision  # choose levels, points, comments
    finalize: Decision
    correct: Decision  # start a correction of a finalized evaluation

    def answer(self, act: str, *, editable: bool) -> Decision:
        """The answer for `act` (LEVEL, COMMENT, OVERALL, FINALIZE) on a sheet that is
        `editable` or not: a sheet the service says is finalized changes for nobody."""
        if act == FINALIZE:
            if self.finalize.allowed and not editable:
                return Decision(False, "this submission is already finalized and signed")
            return self.finalize
        if self.edit.allowed and not editable:
            return Decision(False, "this submission is finalized and signed")
        return self.edit


class Permissions:
    """The policy's answers for one profile (`profile_id` with `roles`)."""

    def __init__(self, profile_id: str, roles: Sequence[str]) -> None:
        self.profile_id = profile_id
        self.roles = tuple(roles)

    def ask(
        self, op: Operation, *, owner: str | None = None, state: State = State.NONE
    ) -> Decision:
        return decide(op, self.roles, ownership(owner, self.profile_id), state)

    def scoring(self) -> Decision:
        """Open a submission to score it: start a draft (no subject yet)."""
        return self.ask(Operation.EVALUATION_EDIT)

    def sheet(self, view: EvaluationView) -> SheetActs:
        """The acts on `view`, the evaluation the workspace shows. A sheet nobody has
        started is the person's own draft-to-be: the first change starts it in their name."""
        owner: str | None
        if view.evaluation_id is None:
            edit = self.ask(Operation.EVALUATION_EDIT)
            owner, state = self.profile_id, State.DRAFT
        else:
            owner, state = view.assessor_id, _state(view.status)
            edit = self.ask(Operation.EVALUATION_EDIT, owner=owner, state=state)
        return SheetActs(
            edit=edit,
            finalize=self.ask(Operation.EVALUATION_FINALIZE, owner=owner, state=state),
            correct=self.ask(Operation.EVALUATION_SUPERSEDE, owner=owner, state=state),
        )


def sentence(reason: str) -> str:
    """The policy's reason as a sentence: capital first, full stop last."""
    text = reason.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
