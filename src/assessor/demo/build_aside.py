"""A new data folder built beside its final place and moved in whole, or not at all.

Writing the demo takes seconds and many transactions (blobs, rows, previews); killed or out of
space half-way, a folder filled in place would hold part of the data, pass `verify` (every part
is consistent) and be refused by the next `demo`. Built aside in `.NAME.partial/data-…` next to
the target and renamed to the target only when complete, the target is either absent (or the
empty folder it was) or whole. A rename within one folder is atomic on POSIX, and a rename onto
an empty directory replaces it; Windows cannot rename onto a directory, so there the empty
target is removed first.

`.NAME.partial` holds a lock while a build runs, so two builds of one target never share it;
the leftovers of a killed build (its lock released by the OS) are removed by the next build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assessor.domain.errors import DomainError
from assessor.store.db import DB_NAME
from assessor.store.errors import DataFolderLocked
from assessor.store.files import fsync_dir, make_dirs
from assessor.store.lock import DataFolderLock


def partial_folder(target: Path) -> Path:
    """Where a build of `target` happens: a hidden folder beside it."""
    return target.parent / f".{target.name}.partial"


def refuse_taken(target: Path) -> None:
    """DomainError unless `target` is absent or an empty folder."""
    if not target.exists():
        return
    if not target.is_dir():
        raise DomainError(f"{target} is a file, not a folder; choose a new folder")
    if (target / DB_NAME).exists():
        raise DomainError(f"{target} already holds an Assessor database; choose a new folder")
    if any(target.iterdir()):
        raise DomainError(f"{target} is not empty; choose a new or empty folder")


@contextmanager
def build_aside(target: Path) -> Iterator[Path]:
    """An empty folder to build in; when the block ends without an error it becomes `target`
    (which must be absent or empty). On an error, or when killed, `target` is left as it was."""
    target = target.absolute()
    refuse_taken(target)
    work = partial_folder(target)
    try:
        make_dirs(target.parent)
        work.mkdir(exist_ok=True)
    except OSError as exc:
        raise DomainError(
            f"cannot create a folder in {target.parent}: {exc.strerror or exc}",
            location=str(target),
        ) from None
    lock = DataFolderLock(work)
    try:
        lock.acquire()
    except DataFolderLocked as exc:
        holder = f"process {exc.pid}" if exc.pid is not None else "another process"
        raise DomainError(
            f"{holder} is already writing {target}; wait for it to finish or stop it",
            location=str(target),
        ) from None
    except OSError as exc:  # the folder went away: another build just finished with it
        raise DomainError(
            f"cannot lock {work}: {exc.strerror or exc}; try again", location=str(target)
        ) from None
    try:
        # What a killed build left (nobody holds its lock any more) is removed, as far as it
        # can be: a new build never depends on that, it starts in a folder of its own.
        for leftover in work.glob("data-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix="data-", dir=work))
        yield staging
        _move_into_place(staging, target)
    finally:
        _remove(work, lock)


def _move_into_place(staging: Path, target: Path) -> None:
    fsync_dir(staging)  # its entries (database, blobs folder) are on disk before it moves
    try:
        os.rename(staging, target)
    except OSError:
        if not (target.is_dir() and not any(target.iterdir())):
            raise DomainError(
                f"{target} was filled while the demo was being written; it was left as it is",
                location=str(target),
            ) from None
        target.rmdir()  # Windows: a rename cannot replace even an empty directory
        os.rename(staging, target)
    fsync_dir(target.parent)


def _remove(work: Path, lock: DataFolderLock) -> None:
    if os.name == "posix":  # removed while still locked: no other build can start in it
        shutil.rmtree(work, ignore_errors=True)
        lock.release()
    else:  # Windows cannot remove a file that is open
        lock.release()
        shutil.rmtree(work, ignore_errors=True)
