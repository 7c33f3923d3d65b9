from __future__ import annotations

from decimal import Decimal

import pytest

from assessor.security.canonical import StrictJSONError, canonicalize, loads_strict
from assessor.security.digests import (
    decode_multibase_digest,
    digest_bytes,
    digest_json,
    multibase_digest,
)
from tests.conftest import CONFORMANCE

JCS = CONFORMANCE / "jcs"
VECTORS = sorted(p.stem for p in (JCS / "input").glob("*.json"))


def test_all_vectors_present() -> None:
    assert VECTORS == ["arrays", "french", "structures", "unicode", "values", "weird"]


@pytest.mark.parametrize("name", VECTORS)
def test_rfc8785_vectors_byte_for_byte(name: str) -> None:
    import json

    value = json.loads((JCS / "input" / f"{name}.json").read_text(encoding="utf-8"))
    expected = (JCS / "output" / f"{name}.json").read_bytes()
    assert canonicalize(value) == expected
    hex_expected = "".join((JCS / "outhex" / f"{name}.txt").read_text().split())
    assert canonicalize(value).hex() == hex_expected.lower()


def test_digest_is_multibase_sha256_multihash() -> None:
    # sha256("abc") = ba7816bf…; multihash prefix 0x12 0x20 → base64url starts "EiC".
    d = digest_bytes(b"abc")
    assert d.startswith("uEi")
    assert decode_multibase_digest(d).hex().startswith("ba7816bf8f01cfea")
    assert multibase_digest(decode_multibase_digest(d)) == d


def test_digest_json_ignores_key_order_and_whitespace() -> None:
    assert digest_json({"b": 1, "a": [1, "x"]}) == digest_json({"a": [1, "x"], "b": 1})
    assert digest_json({"a": 1}) != digest_json({"a": 2})


@pytest.mark.parametrize("bad", ["", "abc", "uEiC" + "A" * 10, "mEiC" + "A" * 43])
def test_bad_digests_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_multibase_digest(bad)


def test_strict_parse_reports_every_duplicate_key_by_pointer() -> None:
    with pytest.raises(StrictJSONError) as err:
        loads_strict('{"a": 1, "a": 2, "b": [{"x/y": 1, "x/y": 2}]}')
    assert err.value.problems == [("/a", "duplicate key 'a'"), ("/b/0/x~1y", "duplicate key 'x/y'")]


def test_strict_parse_bad_json_has_line_and_column() -> None:
    with pytest.raises(StrictJSONError) as err:
        loads_strict('{\n  "a": 1,\n}')
    assert err.value.location == "line 3 column 1"


def test_strict_parse_decimals_exact_or_refused() -> None:
    assert loads_strict('{"p": 0.1}') == {"p": Decimal("0.1")}
    with pytest.raises(StrictJSONError, match="integer or a decimal string"):
        loads_strict('{"p": 0.1}', allow_decimals=False)
    with pytest.raises(StrictJSONError, match="2\\^53"):
        loads_strict('{"p": 9007199254740992}', allow_decimals=False)
    assert loads_strict('{"p": 9007199254740991}', allow_decimals=False) == {"p": 9007199254740991}


def test_strict_parse_refuses_nan_and_non_utf8() -> None:
    with pytest.raises(StrictJSONError, match="NaN"):
        loads_strict("[NaN]")
    with pytest.raises(StrictJSONError, match="UTF-8"):
        loads_strict(b'{"a": "\xff"}')


# The fast path of `canonicalize` must agree with the rfc8785 package byte for byte.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _json_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_json_text, children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_json_values)
def test_fast_path_equals_rfc8785(value: object) -> None:
    import rfc8785

    assert canonicalize(value) == rfc8785.dumps(value)


def test_control_characters_and_non_ascii_escape_like_rfc8785() -> None:
    import rfc8785

    value = {"b": '\x00\x08\t\n\x0c\r\x1f\x7f\u2028é😀"\\', "a": [True, None, -5], "é": 1}
    assert canonicalize(value) == rfc8785.dumps(value)
    assert canonicalize({"k": "\x1f"}) == b'{"k":"\\u001f"}'


_ascii_keys = st.text(alphabet=st.characters(max_codepoint=127), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_ascii_keys, _json_values, max_size=5), _json_values)
def test_a_spliced_object_is_the_canonical_form_of_the_whole(payload: dict, rows: object) -> None:
    # The audit log splices the rows' canonical text into its plain payload (0033): the
    # result must be what canonicalizing the whole would give, keys before and after "rows".
    import rfc8785

    from assessor.security.canonical import is_plain, spliced_object

    payload.pop("rows", None)
    if not is_plain(payload):
        return  # not called then: the payload takes canonicalize
    text = spliced_object(payload, "rows", rfc8785.dumps(rows).decode("utf-8"))
    assert text is not None
    assert text.encode("utf-8") == rfc8785.dumps({**payload, "rows": rows})
