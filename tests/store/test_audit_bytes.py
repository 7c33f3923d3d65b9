"""An event's hashed bytes: `event_bytes` writes the head of the canonical event by hand and
splices the payload text in, so it is checked against RFC 8785 of the whole event."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.security.canonical import canonicalize
from assessor.store.audit import event_bytes, event_content

# Surrogates included (hypothesis leaves them out unless asked): both must refuse them alike.
_any_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=12)
_payload = st.dictionaries(
    st.text(alphabet=st.characters(max_codepoint=127), max_size=6),
    st.none() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=8),
    max_size=4,
)


def _outcome(make: Callable[[], bytes]) -> bytes | str:
    try:
        return make()
    except ValueError as exc:  # UnicodeEncodeError, or rfc8785's refusal
        return type(exc).__name__


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 2**53 - 1), _any_text, _any_text, _any_text, _any_text, _any_text, _payload)
def test_event_bytes_are_the_canonical_event(
    seq: int, at: str, actor: str, action: str, kind: str, entity: str, payload: dict[str, object]
) -> None:
    content = event_content(seq, at, actor, action, kind, entity, payload)
    expected = _outcome(lambda: canonicalize(content))
    text = canonicalize(payload).decode("utf-8")
    assert _outcome(lambda: event_bytes(seq, at, actor, action, kind, entity, text)) == expected


def test_quotes_controls_and_other_scripts_are_escaped_as_rfc8785_does() -> None:
    odd = 'a"b\\c\x00\x1f\x7f\n\t\u2028 مريم 🙂'
    content = event_content(7, odd, odd, odd, odd, odd, {"k": odd})
    text = canonicalize({"k": odd}).decode("utf-8")
    assert event_bytes(7, odd, odd, odd, odd, odd, text) == canonicalize(content)
