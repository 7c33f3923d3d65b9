"""The kinds of stored things a write can change, so that whoever shows them knows when to
look again: the desk's screens today, a sync step's report tomorrow."""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    SUBMISSIONS = "submissions"  # a submission's status, new submissions
    EVALUATIONS = "evaluations"  # drafts, scores, finalized evaluations
    RECORDS = "records"  # signed records
    OUTBOX = "outbox"  # items waiting for the backend
    RUBRICS = "rubrics"  # rubric versions and their publication
    SESSIONS = "sessions"  # exam sessions and their candidates
    PROFILES = "profiles"  # people, their keys and failed unlocks
    CREDENTIALS = "credentials"  # credentials the backend issued


EVERYTHING: frozenset[Change] = frozenset(Change)
