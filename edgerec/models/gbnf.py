"""A check of llama.cpp GBNF grammar text before it reaches llama.cpp (pure; no runtime imported).

llama-cpp-python hands grammar text to llama.cpp unparsed, and llama.cpp ends
the whole process when it cannot parse it, so :class:`edgerec.models.llm.LocalLLM`
checks the text here first and raises a clear :class:`InputError` instead.
The check covers what a generated grammar can get wrong; it is not a full parser.
"""

from __future__ import annotations

import re

from edgerec.errors import InputError

__all__ = ["check_gbnf"]

_GBNF_RULE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*::=(.*)$")
_GBNF_ATOM = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:[^\]\\]|\\.)*\]|[A-Za-z][A-Za-z0-9-]*|\{[0-9,\s]*\}|[()|*+?.]|\S')


def check_gbnf(text: str) -> None:
    """Raise :class:`InputError` unless ``text`` is GBNF this module can hand to llama.cpp safely.

    One rule per line (``name ::= body``; blank lines and ``#`` comments
    allowed), a ``root`` rule, every rule referenced defined, brackets balanced.

    >>> check_gbnf('root ::= "a" b\\nb ::= ("x" | [0-9])+')
    >>> check_gbnf('root ::= ( "a"')
    Traceback (most recent call last):
    edgerec.errors.InputError: invalid GBNF grammar: unbalanced brackets in rule root
    """
    rules: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _GBNF_RULE.match(line.strip())
        if match is None:
            raise InputError(f"invalid GBNF grammar: not a rule: {line.strip()[:60]}")
        rules[match.group(1)] = match.group(2)
    if "root" not in rules:
        raise InputError("invalid GBNF grammar: no root rule")
    for name, body in rules.items():
        depth = 0
        for atom in _GBNF_ATOM.findall(body):
            if atom[0] in "\"[{":
                if atom[0] != "{" and len(atom) < 2:
                    raise InputError(f"invalid GBNF grammar: unterminated literal in rule {name}")
                continue
            if atom == "(":
                depth += 1
            elif atom == ")":
                depth -= 1
            elif atom[0].isalpha() and atom not in rules:
                raise InputError(f"invalid GBNF grammar: rule {name} uses undefined {atom}")
            elif not atom[0].isalpha() and atom not in "|*+?.":
                raise InputError(f"invalid GBNF grammar: unexpected {atom!r} in rule {name}")
            if depth < 0:
                break
        if depth != 0:
            raise InputError(f"invalid GBNF grammar: unbalanced brackets in rule {name}")
