"""Imports after Qt at full speed again.

Importing PySide6 replaces `builtins.__import__` with shiboken's `__feature_import__`, which
serves `from __feature__ import snake_case, true_property` (Assessor uses neither) and, to do
so, reads the source of every module imported after it and searches it for "PySide6". From
source, that is ~20 % of a start's imports (decision 0030). `plain_imports` puts back the
import shiboken wrapped (its lazy loading of Qt's classes stays); with a PySide6 that has no
such hook it does nothing, and tests/e2e/test_first_paint.py notices. In the bundle,
PyInstaller's PySide6 hook loads shiboken before our code: packaging/launch.py calls it first.
"""

from __future__ import annotations

import builtins


def plain_imports() -> None:
    """After shiboken is loaded (it installs its import then): imports without it."""
    feature = getattr(builtins, "__feature_import__", None)
    wrapped = getattr(builtins, "__orig_import__", None)
    if feature is not None and wrapped is not None and builtins.__import__ is feature:
        builtins.__import__ = wrapped
