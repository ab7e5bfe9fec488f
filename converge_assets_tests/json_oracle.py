"""An independent oracle for jsonb values in the fidelity tests: one text per JSON value as
jsonb sees it (keys sorted, no whitespace, numbers by value, escapes resolved), computed in
Python, so the tests do not trust PostgreSQL to check PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal


class DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise DuplicateKey(
            f"duplicate key in a JSON object: {sorted(k for k in keys if keys.count(k) > 1)[0]!r}"
        )
    return dict(pairs)


def _number(token: str) -> str:
    d = Decimal(token)
    if d == 0:
        return "0"
    sign, digits, exp = d.as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    exp += len(digits) - len(text)
    return f"{'-' if sign else ''}{text}e{exp}"


def _canon(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, list):
        return "[" + ",".join(_canon(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(k, ensure_ascii=True)}:{_canon(v)}" for k, v in sorted(value.items())
            )
            + "}"
        )
    return value  # a number, already canonical text


def canonical_json(text: str) -> str:
    """One text per JSON value, as jsonb sees it: keys sorted, no whitespace, numbers compared by
    value (1.0 = 1 = 1e0), strings with escapes resolved. A duplicate key raises DuplicateKey:
    jsonb keeps only the last one, so such a value did not arrive whole."""

    def reject(token: str):
        raise ValueError(f"not JSON: {token}")

    return _canon(
        json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_float=_number,
            parse_int=_number,
            parse_constant=reject,
        )
    )


def json_equal(mysql_text: str | None, postgres_text: str | None) -> bool:
    """Content parity of a jsonb column (whose SQL digests are None): same JSON value."""
    if mysql_text is None or postgres_text is None:
        return mysql_text is None and postgres_text is None
    try:
        return canonical_json(mysql_text) == canonical_json(postgres_text)
    except DuplicateKey:
        return False
