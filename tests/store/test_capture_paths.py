"""The capture's two ways to turn notes into changes (store/capture.py): a save's usual notes,
one per row, skip the merge; whatever the writes, both give the same changes. And the notes
say whether they are plain, so the audit payload is RFC 8785 however they are encoded."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.security.canonical import canonicalize
from assessor.store import capture, capture_json
from assessor.store.audit import append_event
from assessor.store.db import Database

KEYS = ("a", "b", "c")
write = st.one_of(
    st.tuples(st.just("INSERT OR REPLACE INTO t VALUES (?, ?, ?)"), st.sampled_from(KEYS)),
    st.tuples(st.just("UPDATE t SET v = v || 'x' WHERE k = ?"), st.sampled_from(KEYS)),
    st.tuples(st.just("UPDATE t SET w = w + 1 WHERE k = ?"), st.sampled_from(KEYS)),
    st.tuples(st.just("UPDATE OR REPLACE t SET k = 'c' WHERE k = ?"), st.sampled_from(KEYS[:2])),
    st.tuples(st.just("DELETE FROM t WHERE k = ?"), st.sampled_from(KEYS)),
    st.tuples(st.just("INSERT OR REPLACE INTO u VALUES (?, 'x')"), st.sampled_from(KEYS)),
)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = tmp_path_factory.mktemp("capture") / "c.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, w INTEGER)")
    conn.execute("CREATE TABLE u (k TEXT PRIMARY KEY, v TEXT)")
    conn.execute("INSERT INTO t VALUES ('a', 'A', 1), ('b', 'B', 2)")
    capture.install(conn)
    try:
        yield conn
    finally:
        conn.close()


@settings(max_examples=300, deadline=None)
@given(st.lists(write, max_size=6))
def test_notes_of_distinct_rows_give_what_the_merge_gives(
    con: sqlite3.Connection, writes: list[tuple[str, str]]
) -> None:
    con.execute("BEGIN")
    try:
        notes = written(con, writes)
    finally:
        con.execute("ROLLBACK")
    once = capture._once_each(notes, capture_json.parse_all(notes)[0])
    merged = capture._merged(notes, capture_json.parse_all(notes)[0])
    if once is not None:
        assert once == merged
    touched = [(n[1], n[3]) for n in notes]
    if len(set(touched)) == len(touched) and all(n[4] is None for n in notes):
        assert once is not None  # the usual case does skip the merge


@pytest.mark.parametrize(
    ("value", "plain"),
    [("'text'", True), ("9007199254740991", True), ("1e-7", False), ("-0.5", False)],
)
def test_the_payload_is_canonical_whether_the_rows_are_plain_or_not(
    tmp_path: Path, value: str, plain: bool
) -> None:
    Database.open(tmp_path / "data").close()
    conn = sqlite3.connect(tmp_path / "data" / "assessor.db", isolation_level=None)
    try:
        conn.execute("CREATE TABLE odd (k TEXT PRIMARY KEY, v)")  # no affinity: floats stay
        capture.install(conn)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"INSERT INTO odd VALUES ('k', {value})")
        notes = conn.execute(capture._PENDING).fetchall()
        assert capture_json.parse_all(notes)[1] is plain
        append_event(conn, actor="t", action="t", entity_type="t", entity_id="t", payload={})
        conn.execute("COMMIT")
        (payload,) = conn.execute("SELECT payload FROM audit_events ORDER BY seq DESC").fetchone()
    finally:
        conn.close()
    assert payload == rfc8785.dumps(json.loads(payload)).decode("utf-8")
    assert payload.startswith('{"rows":[["insert","odd",["k"],{"k":"k","v":')


value = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["a:1.5", '":1.5', "[1,{", "12:30:00.5", "\\", '"', "x],", "}}"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(write, max_size=6), value, value, st.booleans())
def test_the_spliced_text_is_the_canonical_form_of_the_parsed_changes(
    con: sqlite3.Connection, writes: list[tuple[str, str]], v: object, w: object, nested: bool
) -> None:
    con.execute("BEGIN")
    try:
        con.execute("INSERT OR REPLACE INTO t VALUES ('d', ?, ?)", (v, w))
        con.execute("UPDATE t SET v = ?, w = ? WHERE k = 'a'", (w, v))
        if nested:  # a json function's result, written as it is: JSON inside the note
            con.execute(
                "UPDATE t SET v = json_object('z', 1, 'a', json_array(?)) WHERE k = 'b'", (v,)
            )
        notes = written(con, writes)
    finally:
        con.execute("ROLLBACK")
    text = capture.changes_text(notes)
    changes, plain = capture.changes(notes)
    if text is not None:
        assert plain
        assert text == canonicalize(changes).decode("utf-8")


def test_a_save_s_usual_notes_are_spliced(con: sqlite3.Connection) -> None:
    con.execute("BEGIN")
    try:
        con.execute("INSERT INTO t VALUES ('e', 'It said \"no\"\n\u00e9', 900719925474099)")
        con.execute("UPDATE t SET v = NULL WHERE k = 'a'")
        con.execute("UPDATE t SET v = v WHERE k = 'b'")  # no change: no update logged
        con.execute("DELETE FROM u")
        notes = con.execute(capture._PENDING).fetchall()
    finally:
        con.execute("ROLLBACK")
    assert capture.changes_text(notes) == (
        '[["insert","t",["e"],{"k":"e","v":"It said \\"no\\"\\n\u00e9","w":900719925474099}],'
        '["update","t",["a"],{"v":null}]]'
    )


def written(con: sqlite3.Connection, writes: list[tuple[str, str]]) -> list[Any]:
    """Run the writes (each statement with its key) and take the capture's notes."""
    for sql, key in writes:
        args = (key, f"V{key}", 7) if sql.startswith("INSERT OR REPLACE INTO t") else (key,)
        con.execute(sql, args)
    return con.execute(capture._PENDING).fetchall()
