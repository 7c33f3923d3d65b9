"""Which pages a person's desk has: each role's own page, asked of the access policy, then
the pages everyone has. The window opens on the first and says whose desk it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from assessor.domain.policy import Operation, State
from assessor.ui.permissions import Permissions

if TYPE_CHECKING:
    from assessor.ui.main_window import MainWindow


def _tr(text: str) -> str:
    return QCoreApplication.translate("Desks", text)


QUEUE, SIGNOFF, SESSIONS, RUBRICS = "queue", "signoff", "sessions", "rubrics"

# The order pages stand in the navigation bar (Ctrl+1, Ctrl+2, … in this order). The Sync
# and Credentials pages come after them, added by `ui/sync/install.py` (`MainWindow.add_page`).
ORDER = (QUEUE, SIGNOFF, SESSIONS, RUBRICS)
TITLES = {
    QUEUE: "&Queue",
    SIGNOFF: "&Sign-off",
    SESSIONS: "S&essions",
    RUBRICS: "&Rubrics",
}
EVERYONE = (RUBRICS,)


def title(page: str) -> str:
    return _tr(TITLES[page])


def role_pages(permissions: Permissions) -> list[str]:
    """The role desks the policy gives this person, in ORDER: scoring (the queue), deciding
    on someone else's finalized evaluation (sign-off), opening exam sessions (sessions)."""
    pages = []
    if permissions.scoring().allowed:
        pages.append(QUEUE)
    # Someone else's finalized evaluation: the only kind a manager ever signs off.
    if permissions.ask(Operation.SIGNOFF_DECIDE, owner="", state=State.FINALIZED).allowed:
        pages.append(SIGNOFF)
    if permissions.ask(Operation.EXAM_OPEN).allowed:
        pages.append(SESSIONS)
    return pages


def pages_for(permissions: Permissions) -> list[str]:
    """Every page of the person's desk, their own first."""
    return [*role_pages(permissions), *EVERYONE]


def whose(name: str, roles: str) -> str:
    """The words that say whose desk is on screen."""
    return _tr("{0}'s desk · {1}").format(name, roles)


class DeskPage(QWidget):
    """A role's own page: loads its data when the window starts, takes the keyboard when
    shown."""

    def start(self) -> None:
        """The first load, once the window is on screen."""

    def enter(self) -> None:
        """Shown: put the keyboard where work starts."""
        self.setFocus()


def build(window: MainWindow) -> dict[str, QWidget]:
    """The pages of the person's desk, by name, in ORDER."""
    from assessor.ui.sessions.page import SessionsPage
    from assessor.ui.signoff.page import SignOffPage

    desk = window.desk
    made: dict[str, QWidget] = {}
    for name in pages_for(desk.permissions):
        if name == QUEUE:
            made[name] = window.queue
        elif name == SIGNOFF:
            made[name] = SignOffPage(desk)
        elif name == SESSIONS:
            made[name] = SessionsPage(desk)
        elif name == RUBRICS:
            made[name] = window.rubrics
    return made
