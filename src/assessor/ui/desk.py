"""What every screen of one running desk shares: the task runner (the one door into the data
folder), who is working, and their key while it is unlocked."""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from assessor.security.secrets import SecretStore
from assessor.services.profiles import ProfileInfo, Signer
from assessor.settings import Settings
from assessor.ui.permissions import Permissions
from assessor.ui.saves import SaveLedger
from assessor.ui.tasks import TaskRunner

_folder_lock = threading.Lock()


class Identity(QObject):
    """The person at the desk. Their key is held only while unlocked and is dropped after
    `lock_after_minutes` without a signature (0: kept until quit)."""

    changed = Signal()

    def __init__(
        self, profile: ProfileInfo, signer: Signer | None, lock_after_minutes: int
    ) -> None:
        super().__init__()
        self.profile = profile
        self._signer = signer
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.lock)
        self._minutes = lock_after_minutes
        self._arm()

    @property
    def signer(self) -> Signer | None:
        return self._signer

    @property
    def locked(self) -> bool:
        return self._signer is None

    @property
    def role(self) -> str:
        return ", ".join(self.profile.roles)

    def unlocked(self, signer: Signer) -> None:
        self._signer = signer
        self._arm()
        self.changed.emit()

    def touch(self) -> None:
        """A signature was made: the idle clock starts again."""
        self._arm()

    def lock(self) -> None:
        if self._signer is not None:
            self._signer = None
            self.changed.emit()

    def _arm(self) -> None:
        if self._signer is not None and self._minutes > 0:
            self._timer.start(self._minutes * 60_000)


@dataclass
class Desk:
    runner: TaskRunner  # holds the database: screens reach data only through its operations
    data_dir: Path
    identity: Identity
    settings: Settings
    settings_path: Path
    secrets: SecretStore | None = None
    secrets_problem: str = ""  # why "remember on this computer" is unavailable
    opened_files: Path | None = None  # made by viewer_folder() the first time it is needed
    saves: SaveLedger = field(default_factory=SaveLedger)  # every background write's state

    def viewer_folder(self) -> Path:
        """A private folder for copies handed to system viewers, made on first use (from a
        worker: it touches the disk). The window removes it when it closes."""
        with _folder_lock:
            if self.opened_files is None:
                self.opened_files = Path(tempfile.mkdtemp(prefix="assessor-"))
            return self.opened_files

    @property
    def assessor_id(self) -> str:
        return self.identity.profile.id

    @property
    def permissions(self) -> Permissions:
        """The access policy's answers for the person at the desk."""
        profile = self.identity.profile
        return Permissions(profile.id, profile.roles)
