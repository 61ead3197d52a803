"""The :class:`Event` record and the validation every event passes before storage.

Validation is pure and strict, so that bad input is refused before anything is
written:

>>> e = Event.from_dict({"user": "u1", "type": "play", "ts": "2026-01-02T08:00:00Z",
...                      "item": "song-9", "context": {"volume": 3}})
>>> e.ts.isoformat()
'2026-01-02T08:00:00+00:00'
>>> e.to_dict()["context"]
{'volume': 3}
>>> Event.from_dict({"user": "u1", "type": "play", "ts": "yesterday"})
Traceback (most recent call last):
...
edgerec.errors.InputError: bad timestamp 'yesterday': expected ISO-8601 such as 2026-01-02T08:00:00Z
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any, Mapping, NamedTuple

from edgerec.errors import InputError
from edgerec.timectx import parse_iso

__all__ = ["Event", "parse_ts", "parse_context", "encode_payload", "ts_to_micros", "micros_to_ts", "MAX_TEXT_BYTES", "MAX_CONTEXT_BYTES"]

#: Largest free-text field accepted (UTF-8 bytes).
MAX_TEXT_BYTES = 1 << 20
#: Largest context object accepted (compact JSON, UTF-8 bytes).
MAX_CONTEXT_BYTES = 64 << 10
#: Largest user, type or item identifier (UTF-8 bytes).
MAX_ID_BYTES = 1024
#: User ids edgerec keeps for itself (the device's privacy ledger); no event may name one.
RESERVED_USER_PREFIX = "\x00edgerec:"

_FAST_TEXT_CHARS = MAX_TEXT_BYTES // 4  # at most 4 UTF-8 bytes a character
_KEYS = frozenset({"user", "type", "ts", "item", "context", "text"})
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_ts(value: str | datetime | None) -> datetime:
    """Parse an ISO-8601 timestamp (or datetime) into an aware UTC datetime.

    ``None`` means now. A timestamp without a zone is taken as UTC.

    >>> parse_ts("2026-03-01T10:30:00+01:00").isoformat()
    '2026-03-01T09:30:00+00:00'
    >>> parse_ts("2026-03-01").isoformat()
    '2026-03-01T00:00:00+00:00'
    """
    if value is None:
        return datetime.now(timezone.utc)
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value[-6:] == "+00:00":
        try:  # fast path: already ISO-8601 UTC
            dt = datetime.fromisoformat(value)
        except ValueError:
            dt = parse_iso(value)  # the general parser, which names the bad text
    elif isinstance(value, str):
        dt = parse_iso(value)
    else:
        raise InputError(f"bad timestamp {value!r}: expected an ISO-8601 string")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    elif dt.tzinfo is not timezone.utc:
        dt = dt.astimezone(timezone.utc)
    if dt.year < 1970:
        raise InputError(f"timestamp {value!r} is before 1970")
    return dt


def ts_to_micros(dt: datetime) -> int:
    """Microseconds since the Unix epoch (the stored, plaintext form of a timestamp)."""
    delta = dt - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def micros_to_ts(micros: int) -> datetime:
    """Inverse of :func:`ts_to_micros`.

    >>> micros_to_ts(ts_to_micros(parse_ts("2026-05-05T05:05:05.123456Z"))).isoformat()
    '2026-05-05T05:05:05.123456+00:00'
    """
    from datetime import timedelta

    return _EPOCH + timedelta(microseconds=micros)


def _plain_id(value: Any) -> bool:
    """True for a non-blank ASCII string within the id size limit (no further checks needed)."""
    return (type(value) is str and value.isascii() and 0 < len(value) <= MAX_ID_BYTES and not value.isspace()
            and value[0] != "\x00")


def _check_id(name: str, value: Any, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise InputError(f"missing {name!r}")
        return None
    if not isinstance(value, str):
        raise InputError(f"{name!r} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InputError(f"{name!r} must not be empty")
    if name == "user" and value.startswith(RESERVED_USER_PREFIX):
        raise InputError(f"user ids starting with {RESERVED_USER_PREFIX!r} are reserved for edgerec")
    _utf8(name, value, MAX_ID_BYTES)
    return value


def _utf8(name: str, value: str, limit: int) -> bytes:
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{name!r} is not valid UTF-8 text") from None
    if len(raw) > limit:
        raise InputError(f"{name!r} is too large: {len(raw):,} bytes (limit {limit:,})")
    return raw


def parse_context(value: Any) -> dict | None:
    """Validate a context: a JSON object (dict) or its JSON text; ``None`` for no context.

    >>> parse_context('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> parse_context('[1]')
    Traceback (most recent call last):
    ...
    edgerec.errors.InputError: context must be a JSON object, got list

    Whether every value is JSON (no NaN, no sets...) and the size limit are
    checked by :func:`encode_payload`, which runs before anything is written.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InputError(f"context is not valid JSON: {exc.msg} at position {exc.pos}") from None
    if not isinstance(value, dict):
        raise InputError(f"context must be a JSON object, got {type(value).__name__}")
    return value


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _make_dumps():
    """Compact, strict (no NaN) JSON encoder; the C encoder built once when available (bulk path)."""
    try:
        from json.encoder import c_make_encoder, encode_basestring
    except ImportError:  # pragma: no cover - non-CPython
        c_make_encoder = None
    if c_make_encoder is None:  # pragma: no cover
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    encoder = c_make_encoder(None, _not_json, encode_basestring, None, ":", ",", False, False, False)
    return lambda value: "".join(encoder(value, 0))


_dumps = _make_dumps()


def encode_payload(event: "Event") -> bytes:
    """The plaintext that gets encrypted for one event: compact UTF-8 JSON of its content.

    Raises InputError if the context is not strict JSON (NaN, infinity, sets and
    other non-JSON values are refused) or is larger than MAX_CONTEXT_BYTES. As
    with :mod:`json`, non-string keys are stored as their JSON string form.

    >>> e = Event.create("u", "t", ts="2026-01-01", context={"a": 1})
    >>> encode_payload(e)
    b'{"u":"u","t":"t","c":{"a":1}}'
    >>> encode_payload(Event.create("u", "t", context={"a": float("nan")}))
    Traceback (most recent call last):
    ...
    edgerec.errors.InputError: context is not valid JSON: Out of range float values are not JSON compliant...
    """
    content = {"u": event.user, "t": event.type}
    if event.item is not None:
        content["i"] = event.item
    if event.context is not None:
        content["c"] = event.context
    if event.text is not None:
        content["x"] = event.text
    try:
        raw = _dumps(content)
    except (TypeError, ValueError) as exc:
        raise InputError(f"context is not valid JSON: {exc}") from None
    except UnicodeEncodeError:
        raise InputError("context is not valid UTF-8 text") from None
    if len(raw) > MAX_CONTEXT_BYTES and event.context is not None:
        size = len(_dumps(event.context).encode("utf-8"))
        if size > MAX_CONTEXT_BYTES:
            raise InputError(f"'context' is too large: {size:,} bytes (limit {MAX_CONTEXT_BYTES:,})")
    return raw.encode("utf-8")


class Event(NamedTuple):
    """One thing that happened: who, what kind, when, and optionally which item, context, text.

    ``ts`` is always an aware UTC datetime. ``id`` is the store's row id (``None``
    before the event is stored). Immutable (a named tuple: cheap to create in bulk);
    build validated events with :meth:`create` or :meth:`from_dict`.
    """

    user: str
    type: str
    ts: datetime
    item: str | None = None
    context: dict | None = None
    text: str | None = None
    id: int | None = None

    @classmethod
    def create(
        cls,
        user: str,
        type: str,
        *,
        ts: str | datetime | None = None,
        item: str | None = None,
        context: Mapping | str | None = None,
        text: str | None = None,
    ) -> "Event":
        """Validate the fields and build an event (``ts=None`` means now)."""
        user = _check_id("user", user, required=True)
        type = _check_id("type", type, required=True)
        item = _check_id("item", item, required=False)
        if context is not None and not isinstance(context, (dict, str)) and isinstance(context, Mapping):
            context = dict(context)
        ctx = parse_context(context)
        if text is not None:
            if not isinstance(text, str):
                raise InputError(f"'text' must be a string, got {text.__class__.__name__}")
            _utf8("text", text, MAX_TEXT_BYTES)
        return cls(user=user, type=type, ts=parse_ts(ts), item=item, context=ctx, text=text)

    @classmethod
    def from_dict(cls, data: Mapping) -> "Event":
        """Build from a mapping with keys ``user, type, ts, item, context, text`` (extra keys refused)."""
        if not isinstance(data, dict):
            if not isinstance(data, Mapping):
                raise InputError(f"an event must be a JSON object, got {type(data).__name__}")
            data = dict(data)
        if not data.keys() <= _KEYS:
            raise InputError(f"unknown event field(s): {', '.join(sorted(data.keys() - _KEYS))}")
        get = data.get
        user, kind, item, context, text = get("user"), get("type"), get("item"), get("context"), get("text")
        # fast path of bulk import: short ASCII ids, dict or no context, short or no text
        if (_plain_id(user) and _plain_id(kind) and (item is None or _plain_id(item))
                and (context is None or type(context) is dict)
                and (text is None or (type(text) is str and len(text) <= _FAST_TEXT_CHARS))):
            if text is not None:
                _utf8("text", text, MAX_TEXT_BYTES)
            return cls(user, kind, parse_ts(get("ts")), item, context, text)
        return cls.create(user, kind, ts=get("ts"), item=item, context=context, text=text)

    def to_dict(self) -> dict:
        """JSON-friendly form, with the timestamp as ISO-8601 UTC."""
        return {
            "user": self.user,
            "type": self.type,
            "ts": self.ts.isoformat(),
            "item": self.item,
            "context": self.context,
            "text": self.text,
        }
