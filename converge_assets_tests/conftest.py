"""Fixtures that talk to the real MariaDB and PostgreSQL servers: no database is mocked.

Each test gets its own databases (random names) on both servers and its own config directory,
so tests never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pymysql
import pytest
import yaml
from dagster import DagsterInstance, PreviewWarning, instance_for_test
from psycopg import sql
from pymysql.constants import CLIENT

from converge_assets.builder import build_definitions
from converge_assets.engine.catalog import catalog_path, source_catalog, write_catalog
from converge_assets.engine.config import PROJECT_ROOT, ConvergeConfig, load_config
from converge_assets.engine.mysql import discover
from converge_assets.partition_status import table_failures, table_statuses
from converge_assets.resources import MySQLResource
from converge_assets.runner import ensure_partition
from converge_assets.translator import ConvergeTranslator

warnings.filterwarnings("ignore", category=PreviewWarning)

MYSQL_URL = os.environ.get("CONVERGE_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306")
POSTGRES_URL = os.environ.get("CONVERGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


def mysql_connect(database: str | None = None) -> pymysql.Connection:
    return pymysql.connect(
        host="127.0.0.1",
        user="root",
        database=database,
        charset="utf8mb4",
        autocommit=True,
        client_flag=CLIENT.MULTI_STATEMENTS,
    )


def postgres_connect(database: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", user="postgres", dbname=database, autocommit=True)


def run_mysql(database: str, script: str) -> None:
    with mysql_connect(database) as conn, conn.cursor() as cur:
        cur.execute(script)
        while cur.nextset():
            pass


def run_postgres(database: str, script: str) -> None:
    with postgres_connect(database) as conn:
        conn.execute(script)


@dataclass
class Source:
    """One migration source made for a test: both databases, its config and its definitions."""

    name: str
    mysql_database: str
    postgres_database: str
    config: ConvergeConfig

    def discover(self) -> None:
        source = self.config.source(self.name)
        with MySQLResource(url=MYSQL_URL).connect(source.mysql_database) as conn:
            catalog = discover(conn, self.name, source.mysql_database, source.exclude)
        write_catalog(catalog, catalog_path(self.config.path, self.name))

    def catalog(self):
        """The tables the source moves (its catalog less what the config excludes)."""
        source = self.config.source(self.name)
        return source_catalog(self.config.path, self.name, source.exclude)

    def statuses(self, instance: DagsterInstance, run: str = "run1"):
        return table_statuses(
            instance,
            self.catalog().tables,
            ConvergeTranslator(),
            self.config.source(self.name),
            run,
        )

    def failures(self, instance: DagsterInstance, run: str = "run1"):
        """{table: TableFailure}: what the partition's failed table steps said of each table."""
        return table_failures(instance, ConvergeTranslator(), self.name, run)

    def set_options(self, **options) -> None:
        """Change the source's settings in its config file (no new discover)."""
        raw = yaml.safe_load(self.config.path.read_text())
        raw["sources"][self.name].update(options)
        self.config.path.write_text(yaml.safe_dump(raw))
        self.config = load_config(self.config.path)

    def definitions(self):
        return build_definitions(load_config(self.config.path))

    def migrate(self, instance: DagsterInstance, run: str = "run1", selection=None, tags=None):
        ensure_partition(instance, run)
        job = self.definitions().resolve_job_def(ConvergeTranslator().migrate_job_name(self.name))
        return job.execute_in_process(
            instance=instance,
            partition_key=run,
            asset_selection=selection,
            tags=tags,
            raise_on_error=False,
        )

    def mysql(self, query: str, args=None) -> list[tuple]:
        with mysql_connect(self.mysql_database) as conn, conn.cursor() as cur:
            cur.execute(query, args)
            return list(cur.fetchall())

    def postgres(self, query, args=None) -> list[tuple]:
        with postgres_connect(self.postgres_database) as conn:
            cur = conn.execute(query, args)
            return cur.fetchall() if cur.description else []

    def run_dir(self, run: str = "run1") -> Path:
        return self.config.export_dir / self.name / run


@pytest.fixture
def make_source(tmp_path: Path, monkeypatch) -> Iterator:
    """`make_source(mysql_ddl, postgres_ddl, **source_options)` -> a discovered `Source`."""
    created: list[tuple[str, str]] = []
    monkeypatch.setenv("CONVERGE_EXPORT_DIR", str(tmp_path / "csv_exports"))
    monkeypatch.setenv("CONVERGE_MYSQL_URL", MYSQL_URL)
    monkeypatch.setenv("CONVERGE_POSTGRES_URL", POSTGRES_URL)

    def make(mysql_ddl: str, postgres_ddl: str, name: str = "src", **options) -> Source:
        database = f"converge_test_{uuid.uuid4().hex[:10]}"
        with mysql_connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        with postgres_connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        created.append((database, database))
        run_mysql(database, mysql_ddl)
        run_postgres(database, postgres_ddl)
        config_file = tmp_path / "converge.yaml"
        raw = yaml.safe_load(config_file.read_text()) if config_file.exists() else {"sources": {}}
        raw.setdefault("parallel_tables", 2)
        raw["sources"][name] = {
            "mysql_database": database,
            "postgres_database": database,
            **options,
        }
        config_file.write_text(yaml.safe_dump(raw))
        source = Source(name, database, database, load_config(config_file))
        source.discover()
        return source

    yield make
    for mysql_db, postgres_db in created:
        with mysql_connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{mysql_db}`")
        with postgres_connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(postgres_db)
                )
            )


@pytest.fixture
def instance() -> Iterator[DagsterInstance]:
    with instance_for_test() as instance:
        yield instance


@pytest.fixture
def dagster_home(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A DAGSTER_HOME with the project's dagster.yaml, on its own PostgreSQL database, for
    `converge` run in a process of its own."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    database = f"converge_test_dagster_{uuid.uuid4().hex[:8]}"
    yield home, f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}"
    with postgres_connect() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


def into_the_next_second() -> None:
    """Wait until the clock's second changes: InnoDB's UPDATE_TIME (what source_drift
    compares) counts whole seconds, so a write in the second an export began is invisible."""
    time.sleep(1.01 - time.time() % 1)


def converge_env(source: Source, dagster_home: tuple[Path, str], **extra: str) -> dict[str, str]:
    """The environment `converge` runs in for a test's source and Dagster home."""
    home, dagster_url = dagster_home
    return {
        **os.environ,
        "CONVERGE_CONFIG": str(source.config.path),
        "DAGSTER_HOME": str(home),
        "DAGSTER_POSTGRES_URL": dagster_url,
        **extra,
    }


def converge(*args: str, env: dict) -> subprocess.CompletedProcess:
    """`converge ARGS` in a process of its own, as an operator or CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "converge_assets.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def loading_role(monkeypatch) -> Iterator:
    """`loading_role(source, variable)` -> the name of a new role that may log in, is no
    superuser, owns every table of the source's PostgreSQL schema and may create schemas in
    its database (the rollback store), as a managed PostgreSQL's application role would;
    `variable` (the source's `postgres_url_env`) is set to its URL. `own_tables=False`: it owns
    nothing and is granted nothing on the tables. Dropped at teardown."""
    made: list[tuple[str, str]] = []

    def make(
        source: Source,
        variable: str = "SRC_POSTGRES_URL",
        own_tables: bool = True,
        password: str = "",
    ) -> str:
        role = f"converge_role_{uuid.uuid4().hex[:10]}"
        ident = sql.Identifier(role)
        with postgres_connect(source.postgres_database) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER").format(ident))
            made.append((role, source.postgres_database))
            conn.execute(
                sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(
                    sql.Identifier(source.postgres_database), ident
                )
            )
            tables = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            for (table,) in tables if own_tables else ():
                # Owned sequences (serial, identity) follow their table.
                conn.execute(
                    sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                        sql.Identifier("public", table), ident
                    )
                )
        secret = f":{password}" if password else ""  # local trust auth ignores it
        monkeypatch.setenv(variable, f"postgresql://{role}{secret}@127.0.0.1:5432")
        return role

    yield make
    for role, database in made:
        ident = sql.Identifier(role)
        try:
            with postgres_connect(database) as conn:
                conn.execute(sql.SQL("REASSIGN OWNED BY {} TO postgres").format(ident))
                conn.execute(sql.SQL("DROP OWNED BY {}").format(ident))
        except psycopg.OperationalError:
            pass  # its database was dropped already, and what it owned there with it
        with postgres_connect() as conn:
            # Also revokes what it was granted on shared objects (SET on a parameter).
            conn.execute(sql.SQL("DROP OWNED BY {}").format(ident))
            conn.execute(sql.SQL("DROP ROLE {}").format(ident))
