"""The table catalog: what `converge discover` read from MySQL's information_schema.

Definitions are built from the catalog file, never from a live database, so the code location
loads (and the UI shows every table) with no database reachable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .files import write_atomically


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # information_schema DATA_TYPE, e.g. "varchar", "tinyint"
    column_type: str  # information_schema COLUMN_TYPE, e.g. "varchar(255)", "tinyint(1) unsigned"
    nullable: bool
    charset: str | None = None  # CHARACTER_SET_NAME for text columns
    extra: str = ""  # e.g. "auto_increment"

    @property
    def unsigned(self) -> bool:
        return "unsigned" in self.column_type

    @property
    def is_auto_increment(self) -> bool:
        return "auto_increment" in self.extra


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def fingerprint(self) -> str:
        """A stable hash of the table's catalog entry: the assets' code_version, so a changed
        source schema shows up as changed in the UI."""
        payload = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()[:16]


@dataclass(frozen=True)
class Catalog:
    source: str
    mysql_database: str
    tables: tuple[Table, ...] = field(default_factory=tuple)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"table {name!r} is not in the catalog of source {self.source!r}")

    def get(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def without(self, excluded: tuple[str, ...]) -> Catalog:
        """The catalog less the tables the config excludes now (exclusion needs no new
        discover)."""
        return replace(self, tables=tuple(t for t in self.tables if t.name not in excluded))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> Catalog:
        tables = tuple(
            Table(
                name=t["name"],
                columns=tuple(Column(**c) for c in t["columns"]),
                primary_key=tuple(t.get("primary_key", ())),
            )
            for t in data["tables"]
        )
        return cls(source=data["source"], mysql_database=data["mysql_database"], tables=tables)


def catalog_path(config_path: Path, source: str) -> Path:
    """Catalog files live beside the config: `<config dir>/catalog/<source>.json`."""
    return config_path.parent / "catalog" / f"{source}.json"


def load_catalog(path: Path) -> Catalog | None:
    if not path.exists():
        return None
    return Catalog.from_dict(json.loads(path.read_text()))


def source_catalog(config_path: Path, source: str, exclude: tuple[str, ...]) -> Catalog | None:
    """The tables a source moves: its catalog less what the config excludes now."""
    catalog = load_catalog(catalog_path(config_path, source))
    return catalog.without(exclude) if catalog is not None else None


def write_catalog(catalog: Catalog, path: Path) -> None:
    write_atomically(path, catalog.to_json().encode())
