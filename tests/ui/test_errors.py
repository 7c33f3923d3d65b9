"""Failures in one line a person can read; the whole error in the log."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine, text

from assessor.domain.errors import DomainError
from assessor.ui.errors import LONGEST, in_words


def test_a_database_error_shows_the_drivers_words_not_the_sql(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = create_engine("sqlite://")
    with pytest.raises(Exception) as raised, engine.connect() as con:
        con.execute(text("SELECT * FROM submissions WHERE learner = :typed"), {"typed": "Amara"})
    assert "[SQL:" in str(raised.value)  # SQLAlchemy's own text carries the statement
    with caplog.at_level(logging.WARNING, logger="assessor.ui"):
        words = in_words(raised.value, what="the queue")
    assert words == "no such table: submissions"
    assert "SELECT * FROM submissions" in caplog.text  # the whole of it is in the log


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            DomainError("the rubric version is not published", location="x"),
            "the rubric version is not published",
        ),
        (OSError(28, "No space left on device", "/data/assessor.db"), "No space left on device"),
        (RuntimeError("first line\nsecond line"), "first line"),
        (RuntimeError(""), "RuntimeError"),
    ],
)
def test_words_for_other_errors(error: BaseException, words: str) -> None:
    assert in_words(error) == words


def test_a_long_message_is_cut_to_one_status_line() -> None:
    words = in_words(ValueError("x" * 1000))
    assert len(words) == LONGEST and words.endswith("…")
