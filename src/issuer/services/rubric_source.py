"""Reading rubric files in the desktop's formats (own JSON, CASE 1.1), so the same file gives
the same digests on both sides.

The one module of the issuer that imports `assessor.services`: the readers live in
`assessor.services.rubric_files` today (they import only domain, security and jsonschema) and
are to move to a layer the issuer may import. The import-linter contract names this exception.
"""

from __future__ import annotations

from pathlib import Path

from assessor.domain.rubric import Rubric
from assessor.services.rubric_files import load_rubric_file


def read_rubrics(path: Path) -> tuple[str, tuple[Rubric, ...]]:
    """(format, rubrics) of a file; `ValidationFailed` (source = the path) lists every problem."""
    loaded = load_rubric_file(path)
    return loaded.format, loaded.rubrics
