"""The comments the demo assessor wrote on drafts in progress, read from
``resources/demo/draft_comments.json``.

Each comment belongs to one rubric, one criterion and one level: a draft only ever carries
comments written for its own rubric's criterion at the level chosen there, so the demo never
says "clear method" next to "Not yet", nor talks about the photo of a code review.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

from assessor.formats.demo_data.evidence.phrases import as_texts

_FILE = "draft_comments.json"

Phrases = dict[str, dict[str, dict[str, tuple[str, ...]]]]  # rubric → criterion → level → texts


@functools.cache
def draft_comments() -> Phrases:
    """Every comment, by rubric id, criterion id and level id (checked for shape as read)."""
    folder = resources.files("assessor") / "resources" / "demo"
    data = json.loads((folder / _FILE).read_text(encoding="utf-8"))
    rubrics = data.get("rubrics") if isinstance(data, dict) else None
    if not isinstance(rubrics, dict):
        raise ValueError(f"{_FILE}: expected an object with 'rubrics'")
    out: Phrases = {}
    for rubric_id, criteria in rubrics.items():
        where = f"{_FILE}: rubrics.{rubric_id}"
        if not isinstance(criteria, dict):
            raise ValueError(f"{where}: expected an object of criteria")
        out[rubric_id] = {}
        for criterion_id, levels in criteria.items():
            if not isinstance(levels, dict):
                raise ValueError(f"{where}.{criterion_id}: expected an object of levels")
            out[rubric_id][criterion_id] = {
                level_id: as_texts(texts, f"{where}.{criterion_id}.{level_id}")
                for level_id, texts in levels.items()
            }
    return out


def comments_for(rubric_id: str, criterion_id: str, level_id: str) -> tuple[str, ...]:
    """The comments written for that level of that criterion of that rubric (none if the file
    has none: the demo then leaves the criterion without a comment)."""
    return draft_comments().get(rubric_id, {}).get(criterion_id, {}).get(level_id, ())
