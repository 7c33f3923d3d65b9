"""Where data lives: --data-dir, else $ASSESSOR_DATA_DIR, else the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("ASSESSOR_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # here: a start given its folder paints sooner without it

    return Path(platformdirs.user_data_dir("Assessor", appauthor=False))


def log_file(data_dir: Path) -> Path:
    """The rotating log of a data folder (its older files beside it)."""
    return data_dir / "logs" / "assessor.log"
