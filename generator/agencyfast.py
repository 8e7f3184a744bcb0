"""agency.yaml in its usual shape, read straight from its lines: no YAML library.

Nearly every agency.yaml is a handful of ``key: value`` lines (name, kind, group, order),
sometimes with a ``contact:`` block below. Reading one the full way (yamlparse, then
yamlsource's Reader) needs the YAML library, whose import costs a build that changed one
narrative file more than reading the whole agency. This module reads exactly that shape
and nothing else: the first line or value it is not sure of (a quote, a tab, a bracket, a
colon or ``#`` inside a value, a YAML null or empty value, an unknown or repeated key, a
kind that is not one of the three, a number that is not plainly valid, anything that would
be a problem) makes it give up, and ``load`` reads the file the full way, which finds and
words every problem. So it returns an agency only when the full reader would return the
same agency with no problem at all (tests/test_agencyfast.py compares the two).
"""

from __future__ import annotations

import re

from .model import AGENCY_KINDS, Agency
from .reportlines import beyond_plain

AGENCY_KEYS = ["name", "short_name", "kind", "group", "order", "since", "until", "contact"]
CONTACT_KEYS = ["address", "phone", "email", "postcode", "hours"]
_NUMBERS = ("order", "since", "until")

# A line (without its comment): indentation, a plain lowercase key, and a value on the line
# or none (the contact block follows). A value starts with no YAML indicator and holds no
# character that could end, quote, nest or comment it; only spaces around it.
_LINE = re.compile(r"( *)([a-z_]+):(?: +([^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}'\"\t]*?))? *")
_INTEGER = re.compile(r"0|[1-9][0-9]{0,14}")  # at most yamlsource.MAX_DIGITS digits
_NULLS = frozenset(["~", "null", "Null", "NULL"])  # a plain null: the full reader says 不能为空


class _Unsure(Exception):
    """Not the usual shape: read the file the full way."""


def fast_agency(text: str, slug: str, shown: str) -> Agency | None:
    """The agency, when ``text`` is in the usual shape and has no problem; else None."""
    try:
        return _agency(_fields(text), slug, shown)
    except _Unsure:
        return None


def _fields(text: str) -> dict[str, str | dict[str, str]]:
    """The keys and values of the lines: top-level keys, and the contact block's."""
    if beyond_plain(text):
        raise _Unsure
    top: dict[str, str | dict[str, str]] = {}
    contact: dict[str, str] | None = None  # the block being read, under `contact:`
    block_indent = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue  # a blank line, or a comment on a line of its own
        comment = line.find(" #")  # no quotes are read here: the first " #" starts one
        m = _LINE.fullmatch(line if comment < 0 else line[:comment])
        if m is None:
            raise _Unsure
        indent, key, value = len(m.group(1)), m.group(2), m.group(3)
        if indent == 0:
            if contact is not None and not contact:
                raise _Unsure  # `contact:` with nothing below it: a null
            contact = None
            if key in top or key not in AGENCY_KEYS:
                raise _Unsure
            if key == "contact":
                if value is not None:
                    raise _Unsure  # not a mapping
                contact = {}
                top[key] = contact
                block_indent = 0
                continue
            if value is None:
                raise _Unsure  # a null, or a mapping where text is expected
            top[key] = value.strip()
            continue
        if contact is None or value is None:
            raise _Unsure  # indented under a key with a value: not this shape
        if not contact:
            block_indent = indent
        if indent != block_indent or key in contact or key not in CONTACT_KEYS:
            raise _Unsure
        contact[key] = value.strip()
    if contact is not None and not contact:
        raise _Unsure
    return top


def _text(value: str | dict[str, str] | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or value in _NULLS:
        raise _Unsure  # empty: the full reader says 不能为空
    return value


def _number(value: str | dict[str, str] | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _INTEGER.fullmatch(value):
        raise _Unsure
    return int(value)


def _agency(fields: dict[str, str | dict[str, str]], slug: str, shown: str) -> Agency:
    name, kind = _text(fields.get("name")), _text(fields.get("kind"))
    if name is None or kind not in AGENCY_KINDS:
        raise _Unsure
    since, until = _number(fields.get("since")), _number(fields.get("until"))
    if since is not None and until is not None and until < since:
        raise _Unsure
    contact = fields.get("contact", {})
    assert isinstance(contact, dict)
    for value in contact.values():
        _text(value)
    return Agency(
        slug=slug,
        name=name,
        kind=kind,
        path=shown,
        short_name=_text(fields.get("short_name")),
        group=_text(fields.get("group")),
        order=_number(fields.get("order")),
        contact={k: contact[k] for k in CONTACT_KEYS if k in contact},
        since=since,
        until=until,
    )
