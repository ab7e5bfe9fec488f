"""Configuration: which sources exist, where their servers are, where CSV files go.

Server URLs (which may carry passwords) come only from environment variables. Everything that
is shown to a person goes through `redact` first.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from .storage import Location, location

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "converge.yaml"
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432"
MYSQL_URL_ENV = "CONVERGE_MYSQL_URL"
POSTGRES_URL_ENV = "CONVERGE_POSTGRES_URL"

_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TRANSFORMS = {"base64", "zero_date_to_null"}
# How loads get past foreign keys: `replica` turns their triggers off per transaction (needs the
# right to SET session_replication_role); `enforced` keeps them on and loads parents first, in
# one transaction per source (any role owning the tables will do: managed PostgreSQL).
FOREIGN_KEY_MODES = ("replica", "enforced")


class ConfigError(Exception):
    """A malformed config file or an unknown source."""


@dataclass(frozen=True)
class ServerURL:
    """A parsed database URL; `str()` and `repr()` never show the password."""

    scheme: str
    host: str
    port: int
    user: str
    password: str = field(default="", repr=False)
    # TLS: "disabled", "preferred" or "required" (`?ssl=` in the URL). Default: preferred,
    # except on loopback, where there is no network to protect.
    ssl: str = "preferred"

    @classmethod
    def parse(cls, url: str, default_port: int) -> ServerURL:
        parts = urlsplit(url)
        if not parts.hostname:
            raise ConfigError(f"database URL {redact(url)!r} has no host")
        options = dict(parse_qsl(parts.query))
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        ssl = options.get("ssl", "disabled" if loopback else "preferred")
        if ssl not in ("disabled", "preferred", "required"):
            raise ConfigError(
                f"database URL {redact(url)!r}: ssl must be disabled, preferred or required"
            )
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=parts.port or default_port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            ssl=ssl,
        )

    def __str__(self) -> str:
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}"


def redact(text: str) -> str:
    """Blank out the password of every URL in `text` (`scheme://user:secret@host` -> `user:***`)."""
    return re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    mysql_database: str
    postgres_database: str
    postgres_schema: str = "public"
    exclude: tuple[str, ...] = ()
    # Environment variables that override the server URLs for this source only.
    mysql_url_env: str | None = None
    postgres_url_env: str | None = None
    # Explicit per-column conversions: {table: {column: "base64" | "zero_date_to_null"}}.
    transforms: dict[str, dict[str, str]] = field(default_factory=dict)
    foreign_keys: str = "replica"  # one of FOREIGN_KEY_MODES

    @property
    def enforces_foreign_keys(self) -> bool:
        return self.foreign_keys == "enforced"

    def mysql_url_variable(self) -> str | None:
        """The environment variable that holds this source's MySQL URL, if one is set."""
        return _set_variable(self.mysql_url_env, MYSQL_URL_ENV)

    def postgres_url_variable(self) -> str | None:
        return _set_variable(self.postgres_url_env, POSTGRES_URL_ENV)

    def mysql_url(self) -> str:
        variable = self.mysql_url_variable()
        return os.environ[variable] if variable else DEFAULT_MYSQL_URL

    def postgres_url(self) -> str:
        variable = self.postgres_url_variable()
        return os.environ[variable] if variable else DEFAULT_POSTGRES_URL


def _set_variable(*names: str | None) -> str | None:
    return next((n for n in names if n and os.environ.get(n)), None)


@dataclass(frozen=True)
class ConvergeConfig:
    path: Path
    sources: dict[str, SourceConfig]
    # How many tables share one Dagster step. None: up to 250 (assets.MAX_TABLES_PER_STEP) in
    # one step, more split evenly (one machine); 1: a step per table (a cluster executor such
    # as k8s_job_executor).
    tables_per_step: int | None = None
    # Tables migrated at the same time inside one step.
    parallel_tables: int = 4
    # Dagster retries a table step whose failures include a lost or refused connection (never
    # a refused value or a schema problem), after retry_delay_seconds, doubling each time; a
    # retry moves only the tables the failed attempt did not.
    retries: int = 2
    retry_delay_seconds: float = 10.0
    # Where CSV files go when CONVERGE_EXPORT_DIR is not set; None: csv_exports/ beside the
    # config file. A component (component.py) sets its project's csv_exports/.
    export_root: Path | None = None

    def source(self, name: str) -> SourceConfig:
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(sorted(self.sources)) or "none"
            raise ConfigError(
                f"unknown source {name!r} in {self.path} (known sources: {known})"
            ) from None

    @property
    def export_dir(self) -> Location:
        """A local directory, or an object store's `s3://bucket/prefix` (storage.py)."""
        env = os.environ.get("CONVERGE_EXPORT_DIR")
        if env:
            return location(env)
        return self.export_root or self.path.parent / "csv_exports"


def config_path() -> Path:
    env = os.environ.get("CONVERGE_CONFIG")
    return Path(env).resolve() if env else DEFAULT_CONFIG


def load_config(path: Path | None = None) -> ConvergeConfig:
    path = path or config_path()
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {path} is not valid YAML: {e}") from None
    return parse_config(raw, path)


def parse_config(raw: object, path: Path) -> ConvergeConfig:
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), dict):
        raise ConfigError(f"{path}: expected a mapping with a 'sources' mapping")
    unknown = set(raw) - {
        "sources",
        "tables_per_step",
        "parallel_tables",
        "retries",
        "retry_delay_seconds",
    }
    if unknown:
        raise ConfigError(f"{path}: unknown top-level keys {sorted(unknown)}")
    sources = {name: _parse_source(name, body, path) for name, body in raw["sources"].items()}
    tables_per_step = raw.get("tables_per_step")
    if tables_per_step is not None and (
        not isinstance(tables_per_step, int) or tables_per_step < 1
    ):
        raise ConfigError(f"{path}: tables_per_step must be a positive integer or null")
    enforced = sorted(name for name, s in sources.items() if s.enforces_foreign_keys)
    if tables_per_step is not None and enforced:
        # One transaction cannot span several steps (processes, pods): refuse, never split it.
        raise ConfigError(
            f"{path}: tables_per_step cannot be combined with foreign_keys: enforced (sources "
            f"{', '.join(enforced)}): that mode loads all of a source's tables in one "
            "transaction, so in one step; remove tables_per_step or use foreign_keys: replica"
        )
    parallel_tables = raw.get("parallel_tables", 4)
    if not isinstance(parallel_tables, int) or parallel_tables < 1:
        raise ConfigError(f"{path}: parallel_tables must be a positive integer")
    retries = raw.get("retries", 2)
    if not isinstance(retries, int) or retries < 0:
        raise ConfigError(f"{path}: retries must be a whole number (0: never retry)")
    delay = raw.get("retry_delay_seconds", 10.0)
    if not isinstance(delay, int | float) or delay < 0:
        raise ConfigError(f"{path}: retry_delay_seconds must be a number of seconds")
    return ConvergeConfig(path, sources, tables_per_step, parallel_tables, retries, float(delay))


def _parse_source(name: object, body: object, path: Path) -> SourceConfig:
    where = f"{path}: source {name!r}"
    if not isinstance(name, str) or not _SOURCE_NAME.match(name):
        raise ConfigError(f"{where}: a source name is lower case letters, digits and '_'")
    if name in ("mysql", "csv", "postgres"):
        raise ConfigError(f"{where}: '{name}' is reserved (it names a system in asset keys)")
    if not isinstance(body, dict):
        raise ConfigError(f"{where}: expected a mapping")
    allowed = {
        "mysql_database",
        "postgres_database",
        "postgres_schema",
        "exclude",
        "mysql_url_env",
        "postgres_url_env",
        "transforms",
        "foreign_keys",
    }
    unknown = set(body) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    for required in ("mysql_database", "postgres_database"):
        if not isinstance(body.get(required), str) or not body[required]:
            raise ConfigError(f"{where}: '{required}' is required")
    exclude = body.get("exclude") or []
    if not isinstance(exclude, list) or not all(isinstance(t, str) for t in exclude):
        raise ConfigError(f"{where}: 'exclude' must be a list of table names")
    transforms = body.get("transforms") or {}
    if not isinstance(transforms, dict):
        raise ConfigError(f"{where}: 'transforms' must map table -> column -> transform")
    for table, columns in transforms.items():
        if not isinstance(columns, dict):
            raise ConfigError(f"{where}: transforms of table {table!r} must map column -> name")
        for column, transform in columns.items():
            if transform not in _TRANSFORMS:
                raise ConfigError(
                    f"{where}: transform {transform!r} for {table}.{column} is not one of "
                    f"{sorted(_TRANSFORMS)}"
                )
    foreign_keys = body.get("foreign_keys", "replica")
    if foreign_keys not in FOREIGN_KEY_MODES:
        raise ConfigError(
            f"{where}: foreign_keys must be one of {', '.join(FOREIGN_KEY_MODES)}, "
            f"not {foreign_keys!r}"
        )
    return SourceConfig(
        name=name,
        mysql_database=body["mysql_database"],
        postgres_database=body["postgres_database"],
        postgres_schema=body.get("postgres_schema") or "public",
        exclude=tuple(exclude),
        mysql_url_env=body.get("mysql_url_env"),
        postgres_url_env=body.get("postgres_url_env"),
        transforms=transforms,
        foreign_keys=foreign_keys,
    )
