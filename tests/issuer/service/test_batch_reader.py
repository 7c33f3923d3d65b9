"""Reading a batch in the helper process gives what reading it in place gives."""

from __future__ import annotations

import json

from assessor.domain import subjects
from assessor.sync import protocol as p
from issuer.services.batch_reader import BatchReader, BatchRefused, read_batch
from issuer.services.intake import Authentic
from tests.issuer.service.harness import HandKey


def test_the_helper_process_reads_as_this_one_does() -> None:
    key = HandKey("Reader", "proctor")
    subject = {
        "id": subjects.session_uri("s-1"),
        "session": {
            "id": "s-1",
            "title": "Paper",
            "location": "Hall",
            "startsAt": "2026-11-24T09:00:00Z",
            "sealedAt": "2026-11-24T11:00:00Z",
        },
        "roster": [],
        "incidents": [],
    }
    good = key.sign("ExamSessionRecord", subject)
    bad = {**good, "validFrom": "yesterday"}
    body = json.dumps({"records": [good, bad, [1]]}).encode()
    limits = p.Limits()
    reader = BatchReader(1)
    try:
        there = reader.read(body, limits)
        assert there == read_batch(body, limits)
        assert isinstance(there, list) and isinstance(there[0], Authentic)
        assert [a.reason for a in there[1:]] == [p.Reason.MALFORMED, p.Reason.MALFORMED]  # type: ignore[union-attr]
        refused = reader.read(b'{"records": [], "records": []}', limits)
        assert isinstance(refused, BatchRefused) and refused.status == 400
        too_many = reader.read(json.dumps({"records": [{}] * 101}).encode(), limits)
        assert isinstance(too_many, BatchRefused) and too_many.kind is p.ProblemType.BATCH_TOO_LARGE
    finally:
        reader.close()
    assert BatchReader(0).read(body, limits) == there
