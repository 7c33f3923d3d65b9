"""The same records posted at once on many connections (both workers on PostgreSQL): each is
accepted exactly once and earns exactly one credential."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx

from assessor.sync import protocol as p
from issuer.store import models as m
from tests.issuer.service.conftest import World

SENDERS = 8


def test_the_same_records_at_once_make_one_credential_each(world: World) -> None:
    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    records = [world.score(world.assign("wiring-a")) for _ in range(12)]
    start = Barrier(SENDERS)

    def send(_: int) -> list[p.ItemAnswer]:
        with httpx.Client(base_url=world.issuer.base_url, timeout=120) as client:  # own connection
            start.wait()
            answer = client.post(
                p.RECORDS_BATCH_PATH, json={"records": records}, headers=device.headers
            )
        assert answer.status_code == 200, answer.text
        return list(p.parse_batch_response(answer.json(), len(records)).results)

    with ThreadPoolExecutor(SENDERS) as pool:
        batches = list(pool.map(send, range(SENDERS)))
    for index, record in enumerate(records):
        states = [batch[index].state for batch in batches]
        assert states.count(p.AnswerState.ACCEPTED) == 1, states
        assert set(states) <= {
            p.AnswerState.ACCEPTED,
            p.AnswerState.DUPLICATE,
            p.AnswerState.DEFERRED,
        }
        assert world.issuer.count(m.Credential, record_id=record["id"]) == 1
        assert world.issuer.count(m.Record, record_id=record["id"]) == 1
    # Whatever was deferred (a chain gap seen while another connection held the earlier
    # records) is accepted as a duplicate when sent again.
    again = device.send(*records)
    assert {a.state for a in again} == {p.AnswerState.DUPLICATE}


def test_two_signoffs_of_one_record_at_once_issue_one_credential(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    record = world.score(world.assign("wiring-b"))
    assert assessor.send(record)[0].state is p.AnswerState.ACCEPTED
    managers = []
    for n in range(2):
        from tests.issuer.service.harness import HandKey, unique

        key = HandKey(unique(f"Mgr{n}"), "manager")
        world.issuer.cli("person", "add", key.name, "--role", "manager")
        managers.append((key, world.device(key.private, key.name, "manager")))
    signoffs = [(device, world.signoff(record, key=key)) for key, device in managers]
    start = Barrier(len(signoffs))

    def send(pair: tuple[object, dict[str, object]]) -> p.AnswerState:
        device, signoff = pair
        with httpx.Client(base_url=world.issuer.base_url, timeout=120) as client:
            start.wait()
            answer = client.post(
                p.RECORDS_BATCH_PATH, json={"records": [signoff]}, headers=device.headers
            )  # type: ignore[attr-defined]
        return p.parse_batch_response(answer.json(), 1).results[0].state

    with ThreadPoolExecutor(len(signoffs)) as pool:
        states = list(pool.map(send, signoffs))
    assert states == [p.AnswerState.ACCEPTED] * 2
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 1
