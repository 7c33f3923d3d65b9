"""The QR code: reportlab's encoder with the mask chosen as reportlab chooses it, faster."""

from __future__ import annotations

import secrets

from reportlab.graphics.barcode import qrencoder

from assessor.reports.qr import qr_rows
from assessor.security.digests import digest_bytes


def reportlab_rows(payload: str) -> list[str]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()  # tries the eight masks with reportlab's own penalty
    return ["".join("1" if m else "0" for m in row) for row in code.modules]


def test_the_same_symbol_as_reportlabs_encoder_for_digests_and_addresses() -> None:
    payloads = [digest_bytes(secrets.token_bytes(8)) for _ in range(25)]
    payloads += [f"https://issuer.example/credentials/{secrets.token_hex(n)}" for n in (8, 30, 60)]
    for payload in payloads:
        assert qr_rows(payload) == reportlab_rows(payload), payload
