"""One request for several devices: "the TV and the speaker volume to 10", "turn off the lights and the TV".

Clause splitting cuts such a request at "and", which leaves a clause that only
names a device ("the tv", "set the lights") next to the clause that says what
to do. The named device gets what its neighbour clause says, read again with
the device swapped in: the same words on another device. So each device gets
the setting those words mean for it ("off" is its on/off setting, "volume 10"
its volume), and a device for which the words mean nothing gets nothing ("20%"
on a thermostat in degrees).

>>> from edgerec.profile.devices import DeviceSchema
>>> clauses = ["set the tv", "the speaker volume to 10"]
>>> read = [([], False), ([("speaker.volume", 10)], False)]
>>> share_with_named_devices(clauses, read, DeviceSchema.default())[0]
([('tv.volume', 10)], False)
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from edgerec.profile.clause import UNDO, Focus, read_clause
from edgerec.profile.devices import DeviceSchema
from edgerec.profile.lexicon import Cue, find_cues

__all__ = ["share_with_named_devices"]

# Words that may stand next to a device name in a clause that only names it.
_FILLER = frozenset("the my our your both also too as well please set turn put switch get make bring and for me "
                    "up down all of each either".split())

Reading = tuple[list[tuple[str, Any]], bool]


def _only_named(clause: str, cues: Sequence[Cue]) -> Cue | None:
    """The device cue of a clause that names one device and says nothing else, or None."""
    if len(cues) != 1 or cues[0].kind != "device":
        return None
    rest = clause[:cues[0].start] + " " + clause[cues[0].end:]
    return cues[0] if set(re.findall(r"[\w']+", rest)) <= _FILLER else None


def _swapped(clause: str, device: str, word: str, schema: DeviceSchema) -> list[tuple[str, Any]]:
    """What ``clause`` asks of ``device`` (said as ``word``), read with it in place of the clause's own device."""
    cues = find_cues(clause, schema)
    own = next((c for c in cues if c.kind == "device"), None)
    if own is None or any(c.kind == "device" and c.payload == device for c in cues):
        return []
    found, _ = read_clause(clause[:own.start] + word + clause[own.end:], Focus(), schema)
    return [(path, value) for path, value in found if path != UNDO and path.split(".")[0] == device]


def share_with_named_devices(clauses: Sequence[str], read: Sequence[Reading], schema: DeviceSchema) -> list[Reading]:
    """``read`` (what each clause asks) with clauses that only name a device given their neighbour's request.

    The next clause is tried first ("the TV and the speaker to 10"), then the
    one before ("turn off the lights and the TV").
    """
    out = list(read)
    for index, clause in enumerate(clauses):
        if read[index][0]:
            continue
        cue = _only_named(clause, find_cues(clause, schema))
        if cue is None:
            continue
        following = read[index + 1][0] if index + 1 < len(read) else []
        if any(path.split(".")[0] == cue.payload for path, _ in following):
            continue  # "and for the TV, HDMI 2": it introduces its own request
        for other in (index + 1, index - 1):
            if 0 <= other < len(clauses) and read[other][0]:
                found = _swapped(clauses[other], cue.payload, clause[cue.start:cue.end], schema)
                if found:
                    out[index] = (found, False)
                    break
    return out
