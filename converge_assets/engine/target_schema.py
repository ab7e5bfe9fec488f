"""The PostgreSQL side's schema as the apps' migrations created it: what each CSV is loaded into."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TargetColumn:
    name: str
    data_type: str  # format_type(), e.g. "character varying(255)", "uuid", "timestamp(6) without time zone"
    udt_name: str  # e.g. "varchar", "uuid", "_text" (an array), or an enum type's name
    nullable: bool
    has_default: bool  # a DEFAULT, serial or identity: the column may be left unfed
    max_length: int | None = None  # character varying(n) / character(n)
    enum_labels: tuple[str, ...] = ()  # for PostgreSQL enum types (or the element type of an array)
    is_array: bool = False
    sequence: str | None = None  # serial/identity sequence, schema-qualified and quoted
    generated: bool = False  # GENERATED ALWAYS AS (...) STORED: computed, never fed by COPY


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    referenced_table: str
    referenced_columns: tuple[str, ...]
    # Only read under `foreign_keys: enforced`, where PostgreSQL checks and acts on them:
    deferrable: bool = False  # SET CONSTRAINTS ALL DEFERRED postpones its check to COMMIT
    on_delete: str = "a"  # pg_constraint.confdeltype: a no action, r restrict, c cascade, n/d set

    @property
    def changes_rows_on_delete(self) -> bool:
        """CASCADE, SET NULL or SET DEFAULT: deleting a parent row changes child rows."""
        return self.on_delete in ("c", "n", "d")


@dataclass(frozen=True)
class TargetTable:
    schema: str
    name: str
    columns: tuple[TargetColumn, ...]
    referenced_by_foreign_keys: bool = False  # TRUNCATE is refused; rows are DELETEd instead
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    def column(self, name: str) -> TargetColumn | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None
