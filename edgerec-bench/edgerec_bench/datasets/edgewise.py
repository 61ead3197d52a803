"""EdgeWisePersona-format data: schema, loader, writer, and store events.

A dataset is a folder of line-aligned JSONL files, one line per user:

* ``sessions.jsonl``   (required) ``{"sessions": [Session, ...]}``
* ``characters.jsonl`` (optional) ``{"character": str}``
* ``routines.jsonl``   (optional) ``{"routines": [Routine, ...]}``

A Session is ``{"session_id": int, "meta": Meta, "messages": [{"role": "user" |
"assistant", "text": str}], "applied_routines": [int]?}``. ``applied_routines``
(0-based indexes into the user's routines) is the answer key: :func:`load` keeps
it apart in :attr:`EdgewiseUser.applied` so a model only ever sees
:attr:`EdgewiseUser.sessions`, which never holds it.

Every line is validated (meta enums, device fields, value ranges); a problem
raises :class:`~edgerec.errors.InputError` naming the file and line.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> s = {"session_id": 0, "meta": {"time_of_day": "night"},
...      "messages": [{"role": "user", "text": "lock up"}], "applied_routines": [0]}
>>> r = {"triggers": {"time_of_day": "night"}, "actions": {"security": {"armed": True}}}
>>> write(folder, [EdgewiseUser(sessions=[s], routines=[r])])
>>> user = load(folder)[0]
>>> "applied_routines" in user.sessions[0], user.applied
(False, [[0]])
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgerec.errors import InputError
from edgerec.jsonl import read_jsonl
from edgerec.profile.devices import DeviceSchema, resolve
from edgerec.profile.schema import DEVICE_FIELDS, META_FIELDS
from edgerec.profile.sessions import DIALOGUE_EVENT, events_to_sessions, session_to_events, user_events

__all__ = [
    "META_FIELDS",
    "DEVICE_FIELDS",
    "SESSIONS_FILE",
    "CHARACTERS_FILE",
    "ROUTINES_FILE",
    "DIALOGUE_EVENT",
    "EdgewiseUser",
    "validate_meta",
    "validate_routine",
    "validate_session",
    "load",
    "write",
    "truth",
    "read_predictions",
    "session_to_events",
    "user_events",
    "events_to_sessions",
]

SESSIONS_FILE = "sessions.jsonl"
CHARACTERS_FILE = "characters.jsonl"
ROUTINES_FILE = "routines.jsonl"

_ROLES = ("user", "assistant")


@dataclass
class EdgewiseUser:
    """One user of a dataset: what a model may see, and the answer key apart.

    ``sessions`` never holds ``applied_routines``; ``applied[i]`` is the list
    for ``sessions[i]`` (``None`` when the file did not give one).
    """

    sessions: list[dict[str, Any]]
    applied: list[list[int] | None] | None = None
    character: str | None = None
    routines: list[dict[str, Any]] | None = None
    index: int = 0

    def __post_init__(self) -> None:
        stripped, applied = [], []
        for session in self.sessions:
            session = dict(session)
            applied.append(session.pop("applied_routines", None))
            stripped.append(session)
        self.sessions = stripped
        if self.applied is None:
            self.applied = applied


def _fail(where: str, message: str) -> None:
    raise InputError(f"{where}: {message}" if where else message)


def _check_value(spec: Any, value: Any, where: str, name: str) -> None:
    if spec is bool:
        if not isinstance(value, bool):
            _fail(where, f"{name} must be true or false, got {value!r}")
    elif isinstance(spec, range):
        if not isinstance(value, int) or isinstance(value, bool):
            _fail(where, f"{name} must be an integer, got {value!r}")
        if value not in spec:
            _fail(where, f"{name} must be within {spec.start}..{spec.stop - 1}, got {value}")
    elif value not in spec:
        _fail(where, f"{name} must be one of {', '.join(map(repr, spec))}, got {value!r}")


def validate_meta(meta: Any, where: str = "") -> None:
    """Check a Meta (or Triggers) object: known fields, enum values or null.

    >>> validate_meta({"weather": "rainy", "sun_phase": None})
    >>> validate_meta({"weather": "foggy"}, "sessions.jsonl:3")
    Traceback (most recent call last):
    ...
    edgerec.errors.InputError: sessions.jsonl:3: meta.weather must be one of 'sunny', 'cloudy', 'rainy', 'snowy', got 'foggy'
    """
    if not isinstance(meta, Mapping):
        _fail(where, f"meta must be an object, got {type(meta).__name__}")
    for name, value in meta.items():
        if name not in META_FIELDS:
            _fail(where, f"unknown meta field {name!r} (known: {', '.join(META_FIELDS)})")
        if value is not None:
            _check_value(META_FIELDS[name], value, where, f"meta.{name}")


def validate_routine(routine: Any, where: str = "", schema: DeviceSchema | None = None) -> None:
    """Check a Routine ``{"triggers": {...}, "actions": {device: {field: value}}}``.

    The actions are checked against ``schema``'s devices (a
    :class:`~edgerec.profile.devices.DeviceSchema`; None: the EdgeWisePersona five).

    >>> validate_routine({"triggers": {"time_of_day": "night"}, "actions": {"ac": {"fan_speed": 3}}})
    >>> validate_routine({"triggers": {}, "actions": {"ac": {"temperature": 40}}})
    Traceback (most recent call last):
    ...
    edgerec.errors.InputError: actions.ac.temperature must be within 16..30, got 40
    """
    if not isinstance(routine, Mapping):
        _fail(where, f"a routine must be an object, got {type(routine).__name__}")
    unknown = set(routine) - {"triggers", "actions"}
    if unknown:
        _fail(where, f"unknown routine key(s) {sorted(unknown)} (known: triggers, actions)")
    validate_meta(routine.get("triggers") or {}, where)
    actions = routine.get("actions") or {}
    if not isinstance(actions, Mapping):
        _fail(where, f"actions must be an object, got {type(actions).__name__}")
    schema = resolve(schema)
    for device, settings in actions.items():
        if schema.device(device) is None:
            _fail(where, f"unknown device {device!r} (known: {', '.join(schema.names)})")
        if settings is None:
            continue
        if not isinstance(settings, Mapping):
            _fail(where, f"actions.{device} must be an object, got {type(settings).__name__}")
        for name, value in settings.items():
            if schema.setting(f"{device}.{name}") is None or value is not None:
                problem = schema.problem(f"{device}.{name}", value)
                if problem is not None:
                    _fail(where, problem if problem.startswith("unknown") else f"actions.{problem}")


def validate_session(session: Any, where: str = "", n_routines: int | None = None) -> None:
    """Check a Session; ``applied_routines`` must index ``n_routines`` when given.

    >>> validate_session({"session_id": 1, "meta": {}, "messages": [{"role": "bot", "text": "hi"}]})
    Traceback (most recent call last):
    ...
    edgerec.errors.InputError: session 1: messages[0].role must be 'user' or 'assistant', got 'bot'
    """
    if not isinstance(session, Mapping):
        _fail(where, f"a session must be an object, got {type(session).__name__}")
    sid = session.get("session_id")
    if not isinstance(sid, int) or isinstance(sid, bool):
        _fail(where, f"session_id must be an integer, got {sid!r}")
    where = f"{where}: session {sid}" if where else f"session {sid}"
    if "meta" not in session:
        _fail(where, "missing meta")
    validate_meta(session["meta"], where)
    messages = session.get("messages")
    if not isinstance(messages, list):
        _fail(where, "messages must be a list")
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping):
            _fail(where, f"messages[{i}] must be an object")
        if message.get("role") not in _ROLES:
            _fail(where, f"messages[{i}].role must be 'user' or 'assistant', got {message.get('role')!r}")
        if not isinstance(message.get("text"), str):
            _fail(where, f"messages[{i}].text must be a string")
    applied = session.get("applied_routines")
    if applied is not None:
        if not isinstance(applied, list) or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in applied
        ):
            _fail(where, "applied_routines must be a list of integers")
        if n_routines is not None:
            for a in applied:
                if not 0 <= a < n_routines:
                    _fail(where, f"applied_routines names routine {a}, but the user has {n_routines}")


def _read_jsonl(path: Path, key: str) -> list[tuple[int, Any]]:
    """``(line number, obj[key])`` for each non-blank line of a JSONL file."""
    rows = []
    for number, obj in read_jsonl(path):
        if not isinstance(obj, dict) or key not in obj:
            raise InputError(f"{path.name}:{number}: expected an object with key {key!r}")
        rows.append((number, obj[key]))
    return rows


def load(folder: str | Path, schema: DeviceSchema | None = None) -> list[EdgewiseUser]:
    """Read and validate a dataset folder; one :class:`EdgewiseUser` per line.

    ``characters.jsonl`` and ``routines.jsonl`` are read when present and must
    have as many lines as ``sessions.jsonl``; routines are checked against
    ``schema``'s devices (None: the EdgeWisePersona five).
    """
    folder = Path(folder)
    sessions_path = folder / SESSIONS_FILE
    if not sessions_path.is_file():
        raise InputError(f"{sessions_path}: not found (an EdgeWisePersona folder needs {SESSIONS_FILE})")
    session_rows = _read_jsonl(sessions_path, "sessions")
    optional: dict[str, list[tuple[int, Any]] | None] = {}
    for name, key in ((CHARACTERS_FILE, "character"), (ROUTINES_FILE, "routines")):
        path = folder / name
        optional[key] = _read_jsonl(path, key) if path.is_file() else None
        rows = optional[key]
        if rows is not None and len(rows) != len(session_rows):
            raise InputError(
                f"{name} has {len(rows)} users but {SESSIONS_FILE} has {len(session_rows)}: "
                "the files must be line-aligned, one line per user"
            )

    users = []
    for index, (number, sessions) in enumerate(session_rows):
        character = routines = None
        if optional["character"] is not None:
            char_line, character = optional["character"][index]
            if not isinstance(character, str):
                raise InputError(f"{CHARACTERS_FILE}:{char_line}: character must be a string")
        if optional["routines"] is not None:
            routine_line, routines = optional["routines"][index]
            if not isinstance(routines, list):
                raise InputError(f"{ROUTINES_FILE}:{routine_line}: routines must be a list")
            for i, routine in enumerate(routines):
                validate_routine(routine, f"{ROUTINES_FILE}:{routine_line}: routine {i}", schema)
        if not isinstance(sessions, list):
            raise InputError(f"{SESSIONS_FILE}:{number}: sessions must be a list")
        n_routines = len(routines) if routines is not None else None
        for session in sessions:
            validate_session(session, f"{SESSIONS_FILE}:{number}", n_routines)
        users.append(EdgewiseUser(sessions=sessions, character=character, routines=routines, index=index))
    return users


def write(folder: str | Path, users: Sequence[EdgewiseUser]) -> None:
    """Write users as a dataset folder (``applied_routines`` put back in sessions).

    ``characters.jsonl`` / ``routines.jsonl`` are written only when every user
    has a character / routines.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the output folder ({exc.strerror})") from None

    def dump(name: str, lines: Iterable[dict]) -> None:
        try:
            with (folder / name).open("w", encoding="utf-8") as handle:
                for obj in lines:
                    handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise InputError(f"{folder / name}: cannot write ({exc.strerror})") from None

    def full_sessions(user: EdgewiseUser) -> list[dict]:
        out = []
        for session, applied in zip(user.sessions, user.applied or [None] * len(user.sessions)):
            out.append(dict(session, applied_routines=applied) if applied is not None else dict(session))
        return out

    dump(SESSIONS_FILE, ({"sessions": full_sessions(u)} for u in users))
    if users and all(u.character is not None for u in users):
        dump(CHARACTERS_FILE, ({"character": u.character} for u in users))
    if users and all(u.routines is not None for u in users):
        dump(ROUTINES_FILE, ({"routines": u.routines} for u in users))


def truth(users: Sequence[EdgewiseUser]) -> list[list[dict[str, Any]]]:
    """The ground-truth routine lists of all users, for scoring.

    Raises :class:`InputError` when the dataset has no ``routines.jsonl``.
    """
    if any(u.routines is None for u in users):
        raise InputError(f"the dataset has no {ROUTINES_FILE}, so there is no ground truth to score against")
    return [list(u.routines or []) for u in users]


def read_predictions(path: str | Path, schema: DeviceSchema | None = None) -> list[list[dict[str, Any]]]:
    """Read a PRED.jsonl: one JSON list of routines per user, each validated.

    Raises :class:`InputError` naming the line for bad JSON, a line that is
    not a list, or a routine outside the schema.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pred.jsonl"
    >>> _ = f.write_text('[{"triggers": {"weather": "rainy"}, "actions": {"tv": {"volume": 20}}}]' + chr(10) + '[]')
    >>> [len(p) for p in read_predictions(f)]
    [1, 0]
    """
    path = Path(path)
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    predictions = []
    for number, raw in enumerate(lines, start=1):
        try:
            routines = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(f"{path.name}:{number}: not a JSON line") from None
        if not isinstance(routines, list):
            raise InputError(f"{path.name}:{number}: expected a JSON list of routines, got {type(routines).__name__}")
        for i, routine in enumerate(routines):
            validate_routine(routine, f"{path.name}:{number}: routine {i}", schema)
        predictions.append(routines)
    return predictions
