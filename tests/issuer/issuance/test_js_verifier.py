"""The issuer's credentials verified by Digital Bazaar's JavaScript implementation
(jsonld-signatures, data-integrity, eddsa-rdfc-2022-cryptosuite; exact versions in
tests/issuer/js/package.json), with a frozen document loader over the same context files."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from issuer.issuance import did_web, keys, loader, rdfc
from issuer.issuance.credential import build_credential
from issuer.issuance.status_list import StatusList, status_list_credential
from tests.issuer.issuance import factory

JS = Path(__file__).resolve().parents[1] / "js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (JS / "node_modules" / "jsonld-signatures").is_dir(),
    reason="needs node and the JavaScript verifier's packages (Debian package nodejs; "
    "then run tests/issuer/js/install.sh, which .ci/run does)",
)

PRIVATE = factory.private_key()
KEY_ID = keys.key_id_for(PRIVATE.public_key())
METHOD = f"{factory.DID}#{KEY_ID}"


def _sign(document: dict[str, Any]) -> dict[str, Any]:
    return rdfc.sign(document, PRIVATE, METHOD, factory.CREATED)


def _js_verify(credentials: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    payload = {
        "contexts": dict(loader.bundled_contexts()),
        "didDocument": did_web.did_document(factory.DID, [(KEY_ID, PRIVATE.public_key())]),
        "credentials": credentials,
    }
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(JS / "verify.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(done.stdout)
    return answer["results"], answer["loaded"]


def _status_list() -> dict[str, Any]:
    bits = StatusList()
    bits.set(7, True)
    return status_list_credential(
        "https://badges.example.org/status/1", factory.DID, bits.encoded(), "2026-03-04T10:00:00Z"
    )


def test_every_kind_of_issued_credential_verifies_in_javascript() -> None:
    documents = [build_credential(make()) for _, make in sorted(factory.ALL.items())]
    documents.append(_status_list())
    results, loaded = _js_verify([_sign(d) for d in documents])
    assert results == [{"verified": True, "error": None}] * len(documents)
    # only the bundled contexts and the DID document were asked for
    assert set(loaded) <= {*loader.bundled_contexts(), factory.DID, METHOD}


def test_javascript_rejects_tampered_credentials_too() -> None:
    signed = _sign(build_credential(factory.hostile()))
    changes = [
        lambda c: c["credentialSubject"]["result"][0].update(
            achievedLevel=c["credentialSubject"]["result"][1]["achievedLevel"]
        ),
        lambda c: c["credentialSubject"]["achievement"].update(name="Forged"),
        lambda c: c["evidence"][0].update(digestMultibase=factory.DIGEST_C),
        lambda c: c.update(validUntil="2099-01-01T00:00:00Z"),
        lambda c: c["proof"][0].update(created="2026-03-04T10:11:13Z"),
        lambda c: c["credentialSubject"].update(favouriteColour="blue"),  # JS safe mode
    ]
    tampered = []
    for change in changes:
        copy_ = copy.deepcopy(signed)
        change(copy_)
        tampered.append(copy_)
    results, _ = _js_verify(tampered)
    assert [r["verified"] for r in results] == [False] * len(changes)
