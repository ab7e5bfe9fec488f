"""What both demo sources draw on: one deterministic generator (`Gen`), the awkward text it
hands out, and the people: each is a Kratos identity and, most of them, an Alkemio user too."""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Text that breaks naive CSV/COPY handling. Every value here is valid PostgreSQL text.
AWKWARD = [
    "first line\nsecond line\nthird line",
    "windows line\r\nending\r\n",
    "old mac\rline\rending",
    'She said "hello" and left',
    "C:\\Users\\alkemio\\notes \\N \\\\server\\share",
    "comma, separated, values, here",
    "\\.",
    "NULL",
    "null",
    "tab\tseparated\tvalue",
    "   leading and trailing spaces   ",
    "emoji \U0001f600\U0001f389\U0001f1e8\U0001f1ed, clef \U0001d11e, CJK ext-B \U0002070e",
    "mixed \"quotes\", \\backslash\\, \r\nCRLF, \ttab; and -- /* sql */ 'single'",
    "ünïcödé café Zürich \u2013 em\u2014dash \u2026 \u00a0nbsp",
    "before\n\\.\nafter",
    "\n",
    " ",
    '""',
    '","',
    "\\x41\\x00 is text, not a byte",
    "=SUM(A1:A9)",
    "a;b|c^d~e`f$g%h&i*j",
    "right-to-left \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "zero\u200bwidth\ufeffBOM",
]

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chloé",
    "Daan",
    "Émilie",
    "Fatima",
    "Gijs",
    "Hélène",
    "Ivo",
    "Jasper",
    "Łukasz",
    "María José",
    "Nguyễn",
    "O'Neil",
    "Pieter-Jan",
    "Quinn",
    "Renée",
    "Søren",
    "Tijs",
    "Ülkü",
    "Valentijn",
    "Wu",
    "Xavier",
    "Yara",
    "Zoë",
    " Padded ",
    'Jan "JJ"',
    "Back\\slash",
    "Emoji \U0001f600",
    "田中",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Müller",
    "O'Brien",
    "García Márquez",
    "Smith, Jr.",
    "Nakamura",
    "Østergaard",
    "Kowalczyk",
    "Dubois",
    "van 't Hof",
    "Tanaka",
    "Null",
    "NULL",
    "Trailing ",
    "Ab\u0308",
]

_TOKEN_TABLE = (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" * 5)[:256]

Rows = dict[str, list[dict[str, Any]]]


class Gen:
    """Deterministic values: everything derives from one random.Random."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # Separate counters: the awkward values cycle in full whichever column asks for them.
        self.n_awkward = 0
        self.n_nullable = 0

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def when(self, micro: bool = True) -> datetime:
        start = datetime(2021, 1, 4, 8, 0, 0)
        moment = start + timedelta(seconds=self.rng.randrange(0, 1300 * 86400))
        if micro:
            pick = self.rng.random()
            if pick < 0.05:
                us = 0
            elif pick < 0.1:
                us = 999999
            else:
                us = self.rng.randrange(1, 1000000)
            moment = moment.replace(microsecond=us)
        return moment

    def after(self, moment: datetime, max_seconds: int, micro: bool = True) -> datetime:
        later = moment + timedelta(seconds=self.rng.randrange(0, max_seconds))
        if micro:
            later = later.replace(microsecond=self.rng.randrange(0, 1000000))
        else:
            later = later.replace(microsecond=0)
        return later

    def awkward(self) -> str:
        value = AWKWARD[self.n_awkward % len(AWKWARD)]
        self.n_awkward += 1
        return value

    def nullable_text(self, normal: str) -> str | None:
        """A nullable text value: NULL, '', an awkward value or `normal`."""
        pick = self.n_nullable % 6
        self.n_nullable += 1
        if pick == 0:
            return None
        if pick == 1:
            return ""
        if pick in (2, 3):
            return self.awkward()
        return normal

    def hexdigest(self, n: int = 64) -> str:
        return self.rng.randbytes((n + 1) // 2).hex()[:n]

    def token(self, n: int) -> str:
        """n characters of [A-Za-z0-9] (random bytes mapped through a 256-entry table)."""
        return self.rng.randbytes(n).translate(_TOKEN_TABLE).decode("ascii")

    def json(self, value: Any) -> str:
        """JSON text in one of the shapes applications write: compact or spaced, raw UTF-8 or
        \\u escapes (surrogate pairs for 4-byte characters)."""
        ascii_only = self.rng.random() < 0.4
        if self.rng.random() < 0.5:
            return json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
        return json.dumps(value, ensure_ascii=ascii_only)


@dataclass
class Person:
    identity_id: str
    email: str
    first: str
    last: str


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def make_people(g: Gen, count: int) -> list[Person]:
    people = []
    for i in range(count):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7) % len(LAST_NAMES)]
        local = f"{slug(first)}.{slug(last)}.{i}"
        people.append(Person(g.uuid(), f"{local}@example.org", first, last))
    return people
