"""The change feed: positions from one counter row, so they commit in order (no reader ever
skips a change another worker had not yet committed), and an opaque cursor over them."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from assessor.sync.protocol import ChangeKind
from issuer.store import models as m

_CURSOR_PREFIX = "c1."


class CursorInvalid(ValueError):
    pass


def encode_cursor(seq: int) -> str:
    return _CURSOR_PREFIX + base64.urlsafe_b64encode(str(seq).encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str | None) -> int:
    """The feed position a cursor stands for; 0 (the start) for none."""
    if not cursor:
        return 0
    if not cursor.startswith(_CURSOR_PREFIX) or len(cursor) > 40:
        raise CursorInvalid("the cursor was not given by this backend")
    body = cursor[len(_CURSOR_PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise CursorInvalid("the cursor was not given by this backend") from None
    if not text.isdigit() or encode_cursor(int(text)) != cursor:
        raise CursorInvalid("the cursor was not given by this backend")
    return int(text)


def _next_seq(session: Session) -> int:
    taken = session.execute(
        update(m.FeedCounter)
        .where(m.FeedCounter.id == 1)
        .values(last=m.FeedCounter.last + 1)
        .returning(m.FeedCounter.last)
    ).scalar_one()
    return int(taken)


def append(
    session: Session,
    kind: ChangeKind,
    entity_id: str,
    data: Mapping[str, Any] | None = None,
    *,
    deleted_because: str | None = None,
    person: str | None = None,
    device: str | None = None,
) -> int:
    """Add a change (a tombstone when `deleted_because` is given) for everyone, or only for
    one person or one device; its feed position. Call it late in the transaction: it holds
    the counter's lock until commit."""
    seq = _next_seq(session)
    session.add(
        m.Change(
            seq=seq,
            kind=kind.value,
            entity_id=entity_id,
            deleted=deleted_because is not None,
            reason=deleted_because,
            payload=None if data is None else json.dumps(data, sort_keys=True),
            audience_person=person,
            audience_device=device,
            created_at=m.utcnow(),
        )
    )
    return seq


@dataclass(frozen=True)
class FeedPage:
    changes: list[m.Change]
    last_seq: int
    more: bool


def page(session: Session, after: int, person: str, device: str, limit: int) -> FeedPage:
    """Changes after `after` that this person and device may see, oldest first."""
    committed = session.execute(select(m.FeedCounter.last).where(m.FeedCounter.id == 1))
    last = int(committed.scalar_one())
    visible = or_(
        and_(m.Change.audience_person.is_(None), m.Change.audience_device.is_(None)),
        m.Change.audience_person == person,
        m.Change.audience_device == device,
    )
    rows = list(
        session.scalars(
            select(m.Change)
            .where(m.Change.seq > after, m.Change.seq <= last, visible)
            .order_by(m.Change.seq)
            .limit(limit + 1)
        )
    )
    if len(rows) > limit:
        return FeedPage(rows[:limit], rows[limit - 1].seq, True)
    return FeedPage(rows, max(last, after), False)
