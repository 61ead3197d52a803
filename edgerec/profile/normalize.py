"""One spelling for a dialogue turn: lower case, units, abbreviations, values said without numbers.

The English rules (degree signs, "%", "80 out of 100") live here; the
schema's own rewrites (:attr:`DeviceSchema.phrases`: "mute" -> "volume 0",
"the warmest setting" -> the top of its degrees setting) and its short device
names ("a/c", "t.v." for ``ac`` and ``tv``) come from the device schema.

>>> normalize("Set the A/C to 22°C — 50%!")
'set the ac to 22 degrees — 50 %!'
>>> split_clauses("turn on the tv, volume 20 and then netflix. thanks")
['turn on the tv', 'volume 20', 'netflix', 'thanks']
"""

from __future__ import annotations

import re

from edgerec.profile.devices import DeviceSchema, resolve

__all__ = ["normalize", "split_clauses", "abbreviation_pattern"]

_CLAUSE_SPLIT = re.compile(r"[.!?;]+(?:\s|$)|,\s*|\s+(?:—|–|--|-)\s+|\s*(?:—|–)\s*|"
                           r"\s+(?:and then|and also|and|then|but|also|plus|while|after that)\s+")
_NUMBER_TOKEN = (r"\d+|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ])?"
                 r"(?:one|two|three|four|five|six|seven|eight|nine)|zero|ten|eleven|twelve|\w+teen|twenty|thirty|"
                 r"forty|fifty|sixty|seventy|eighty|ninety|(?:a |one )?hundred")
# "80 out of 100", "2/3", "level 2 of 3": the scale is not a setting
_SCALE = re.compile(rf"\b({_NUMBER_TOKEN})\s*(?:/|\bout of\b|\bof\b)\s*(?:a |one )?(?:100|hundred|10|ten|3|three)\b")
_EXTREME = re.compile(r"\{(max|min):(\w+)\}")
# "cut the volume in half", "half as loud": a relative change, not 50 %
_HALVE = re.compile(r"\bcut ((?:it|that|them|the [\w ]{1,30}?)) in half\b|\bhalf as (loud|bright|warm)\b")


def abbreviation_pattern(word: str) -> str | None:
    """How a short name is written with dots or slashes ("a/c", "a.c." for ``ac``); None for other words.

    >>> re.sub(abbreviation_pattern("tv"), "tv", "the t.v. and the t / v")
    'the tv and the tv'
    """
    if not re.fullmatch(r"[a-z]{2,3}", word):
        return None
    slashed = r"\s*/\s*".join(word)
    dotted = r"\.".join(word) + r"\."
    return rf"\b{slashed}\b|\b{dotted}(?=\s|$)"


class _Rules:
    """The rewrites of one schema, compiled once."""

    def __init__(self, schema: DeviceSchema):
        short = [w for d in schema.devices for w in (d.name, *d.words) if abbreviation_pattern(w)]
        self.abbreviations = [(re.compile(abbreviation_pattern(w)), w) for w in dict.fromkeys(short)]
        self.phrases = []
        for phrase in schema.phrases:
            said, usable = phrase.say, True
            for end, unit in _EXTREME.findall(phrase.say):
                value = schema.extreme(unit, end)
                usable = usable and value is not None
                said = said.replace(f"{{{end}:{unit}}}", str(value))
            if usable:
                self.phrases.append((re.compile(phrase.pattern), said))


def _rules(schema: DeviceSchema) -> _Rules:
    found = schema.__dict__.get("_normalize_rules")
    if found is None:
        found = _Rules(schema)
        object.__setattr__(schema, "_normalize_rules", found)  # a cache, not a field
    return found


def normalize(text: str, schema: DeviceSchema | None = None) -> str:
    """Lower-case text with units, abbreviations and values said without numbers spelled one way.

    >>> normalize("Mute the telly, and the warmest setting on the AC")
    'volume 0 the telly, and 30 degrees on the ac'
    """
    rules = _rules(resolve(schema))
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"°\s*[cf]?\b|º", " degrees", text)
    text = re.sub(r"(\d)\s*%", r"\1 %", text)
    text = re.sub(r"(\d)\s*c\b", r"\1 degrees", text)
    for pattern, word in rules.abbreviations:
        text = pattern.sub(word, text)
    text = _SCALE.sub(r"\1", text)
    text = _HALVE.sub(lambda m: f"halve {m.group(1) or m.group(2)}", text)  # before "half" reads as 50 %
    for pattern, said in rules.phrases:
        text = pattern.sub(said, text)
    text = re.sub(r"#\s*(?=\d)|\bno\.\s*(?=\d)", "", text)  # "HDMI #1", "no. 2"
    text = re.sub(r"\s*(?:&|\+|→|->|=>)\s*", " and ", text)
    return re.sub(r"\s+", " ", text).strip()


def split_clauses(text: str) -> list[str]:
    """Clauses of a normalized turn, split at punctuation and joining words."""
    return [part.strip() for part in _CLAUSE_SPLIT.split(text) if part and part.strip()]
