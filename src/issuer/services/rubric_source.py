"""Reading rubric files in the desktop's formats (own JSON, CASE 1.1), so the same file gives
the same digests on both sides: the readers are `assessor.formats.rubric_files`, pure parsing
the issuer may import.
"""

from __future__ import annotations

from pathlib import Path

from assessor.domain.rubric import Rubric
from assessor.formats.rubric_files import load_rubric_file


def read_rubrics(path: Path) -> tuple[str, tuple[Rubric, ...]]:
    """(format, rubrics) of a file; `ValidationFailed` (source = the path) lists every problem."""
    loaded = load_rubric_file(path)
    return loaded.format, loaded.rubrics
