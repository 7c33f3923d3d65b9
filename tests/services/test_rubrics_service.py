from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from assessor.domain.errors import UnknownChoice
from assessor.services.rubrics import import_rubric, list_versions, show_version
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import sample_rubric


def _import(db: Database, rubric, publish: bool = True):  # type: ignore[no-untyped-def]
    with db.write() as tx:
        return import_rubric(tx, rubric, source_format="test", actor="system", publish=publish)


def test_same_content_same_version_changed_content_next_version(db: Database) -> None:
    first = _import(db, sample_rubric())
    again = _import(db, sample_rubric())
    assert (first.version, first.created) == (1, True)
    assert (again.version, again.digest, again.created) == (1, first.digest, False)
    changed = dataclasses.replace(sample_rubric(), title="Wiring a ring final circuit (2027)")
    second = _import(db, changed)
    assert second.version == 2 and second.digest != first.digest
    assert [(v.id, v.version) for v in list_versions(db)] == [("wiring", 1), ("wiring", 2)]
    info, rubric = show_version(db, "wiring@1")
    assert rubric == sample_rubric() and info.digest == first.digest
    assert show_version(db, "wiring")[0].version == 2
    assert show_version(db, first.digest)[0].version == 1


def test_published_versions_are_immutable_in_sqlite(db: Database) -> None:
    _import(db, sample_rubric())
    con = sqlite3.connect(db.path)
    with pytest.raises(sqlite3.DatabaseError, match="immutable"):
        con.execute("UPDATE rubric_versions SET title = 'changed'")
    with pytest.raises(sqlite3.DatabaseError, match="immutable"):
        con.execute("DELETE FROM rubric_versions")
    con.close()


def test_draft_is_replaced_in_place_then_published(db: Database) -> None:
    draft = _import(db, sample_rubric(), publish=False)
    assert not draft.published
    changed = dataclasses.replace(sample_rubric(), title="Changed while a draft")
    replaced = _import(db, changed, publish=False)
    assert replaced.version == 1 and replaced.digest != draft.digest
    published = _import(db, changed)
    assert published.published and published.version == 1


def test_unknown_refs_name_the_choices(db: Database) -> None:
    _import(db, sample_rubric())
    with pytest.raises(UnknownChoice, match="valid: wiring"):
        show_version(db, "wirng")
    with pytest.raises(UnknownChoice, match="valid: 1"):
        show_version(db, "wiring@7")


def test_importing_a_draft_again_says_it_published_it(db: Database) -> None:
    """Issue 11, item 12: the same content as a stored draft, imported to publish, is
    published (the caller asked to publish) and the result says so; it is never 'unchanged'."""
    draft = _import(db, sample_rubric(), publish=False)
    assert (draft.created, draft.published, draft.published_now) == (True, False, False)
    assert draft.state == "imported, as a draft"
    still = _import(db, sample_rubric(), publish=False)
    assert (still.created, still.published, still.published_now) == (False, False, False)
    assert still.state == "unchanged, still a draft"
    published = _import(db, sample_rubric())
    assert (published.created, published.published, published.published_now) == (
        False,
        True,
        True,
    )
    assert published.state == "published (it was a draft with the same content)"
    again = _import(db, sample_rubric())
    assert (again.published_now, again.state) == (False, "unchanged, already published")
    with db.read() as tx:
        events = [e.action for e in tx.query(m.AuditEvent).order_by(m.AuditEvent.seq)]
    assert events == ["rubric.import", "rubric.publish"]


def test_a_changed_rubric_replacing_a_draft_says_so(db: Database) -> None:
    _import(db, sample_rubric(), publish=False)
    changed = dataclasses.replace(sample_rubric(), title="Changed while a draft")
    replaced = _import(db, changed)
    assert (replaced.created, replaced.replaced_draft, replaced.published_now) == (True, True, True)
    assert replaced.state == "replaced the draft, published"
