"""`converge`: the headless way through the very same Dagster definitions.

converge discover --source S          read MySQL's information_schema into the catalog
converge discover --defs DIR          the same for a dg project's component (DIR/defs.yaml)
converge run --source S [--run KEY]   materialise every asset and check of S for a run
converge rollback --source S --run KEY [--force] [--yes]   restore what the run replaced
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from .engine.config import PROJECT_ROOT, ConfigError, ServerURL, load_config, redact

DEFAULT_DAGSTER_POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/dagster"


def default_run_key() -> str:
    """As the old scripts named export folders: the UTC time."""
    return datetime.now(UTC).strftime("%Y%m%d_%H%M%S")


def prepare_instance_environment() -> None:
    """`DAGSTER_HOME` defaults to the project (where dagster.yaml is); the instance's PostgreSQL
    database is created on first use."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    home = os.environ["DAGSTER_HOME"]
    if not os.path.isfile(os.path.join(home, "dagster.yaml")):
        # Dagster would print a warning and its telemetry banner, and keep runs in files there.
        raise ConfigError(
            f"DAGSTER_HOME ({home}) has no dagster.yaml: copy the project's "
            f"({PROJECT_ROOT / 'dagster.yaml'}) there, or unset DAGSTER_HOME to use the project's"
        )
    os.environ.setdefault("DAGSTER_POSTGRES_URL", DEFAULT_DAGSTER_POSTGRES_URL)
    ensure_postgres_database(os.environ["DAGSTER_POSTGRES_URL"])


def ensure_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    server = ServerURL.parse(url, 5432)
    name = url.rsplit("/", 1)[-1].split("?")[0]
    try:
        with psycopg.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                # Two `converge` started at once on a fresh machine both get here.
                with contextlib.suppress(
                    psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
                ):
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as e:
        raise SystemExit(
            f"converge: cannot reach the Dagster instance database: {redact(str(e))}"
        ) from None


def cmd_discover(args: argparse.Namespace) -> int:
    from .engine.catalog import catalog_path, write_catalog
    from .engine.mysql import discover
    from .resources import MySQLResource

    if args.defs:  # a ConvergeMigrationComponent's folder: its catalog goes beside its defs.yaml
        from .component import load_component_config

        config = load_component_config(Path(args.defs))
        names = list(config.sources)
    else:
        config = load_config()
        names = list(config.sources) if args.all else [args.source]
    for name in names:
        source = config.source(name)
        mysql = MySQLResource(url=source.mysql_url())
        with mysql.connect(source.mysql_database) as conn:
            catalog = discover(conn, source.name, source.mysql_database, source.exclude)
        path = catalog_path(config.path, source.name)
        write_catalog(catalog, path)
        columns = sum(len(t.columns) for t in catalog.tables)
        print(f"{source.name}: {len(catalog.tables)} tables, {columns} columns -> {path}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .runner import run_source

    prepare_instance_environment()
    config = load_config()
    config.source(args.source)
    run_key = args.run or default_run_key()
    return run_source(
        config,
        args.source,
        run_key,
        only_failed=args.only_failed,
        changed_only=args.changed_only,
    )


def cmd_observe(args: argparse.Namespace) -> int:
    from .builder import build_definitions
    from .runner import observe_source, open_instance
    from .translator import ConvergeTranslator

    prepare_instance_environment()
    config = load_config()
    config.source(args.source)
    translator = ConvergeTranslator()
    defs = build_definitions(config, translator)
    ok = observe_source(defs, open_instance(), args.source, translator)
    print(f"{args.source}: observed" if ok else f"{args.source}: observation failed")
    return 0 if ok else 1


def cmd_rollback(args: argparse.Namespace) -> int:
    from .engine.rollback import RollbackRefused, outcome_lines, rollback_source
    from .resources import PostgresResource

    config = load_config()
    source = config.source(args.source)
    postgres = PostgresResource(url=source.postgres_url())
    # A person at a terminal confirms; CI and scripts (no terminal) pass --yes anyway.
    confirm = ask_before_rollback if sys.stdin.isatty() and not args.yes else None
    try:
        outcome = rollback_source(
            config, source, postgres, args.run, force=args.force, confirm=confirm
        )
    except RollbackRefused as e:
        print(f"converge: {e}", file=sys.stderr)
        return 1
    for line in outcome_lines(outcome):
        print(line)
    print(f"{source.name}: rolled back run {args.run}: restored {len(outcome.restored)} table(s)")
    return 0


def ask_before_rollback(plan) -> bool:
    from .engine.rollback import describe_plan

    print("converge rollback will, in one transaction:")
    for line in describe_plan(plan):
        print(f"  {line}")
    try:
        return input("Proceed? [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:  # the terminal closed: no answer is no
        return False


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="converge",
        description="Move MySQL databases to PostgreSQL through CSV files, as Dagster assets.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("discover", help="read MySQL's information_schema into the source's catalog")
    g = d.add_mutually_exclusive_group(required=True)
    g.add_argument("--source")
    g.add_argument("--all", action="store_true", help="every source of the config")
    g.add_argument(
        "--defs",
        metavar="PATH",
        help="the source of a dg project's ConvergeMigrationComponent: its defs.yaml or folder",
    )
    d.set_defaults(func=cmd_discover)

    r = sub.add_parser("run", help="export, load and verify every table of a source for a run")
    r.add_argument("--source", required=True)
    r.add_argument(
        "--run", help="the migration run (partition) key; default: UTC time YYYYmmdd_HHMMSS"
    )
    mode = r.add_mutually_exclusive_group()
    mode.add_argument(
        "--only-failed",
        action="store_true",
        help="re-run only the tables and checks that failed or are missing in this run",
    )
    mode.add_argument(
        "--changed-only",
        action="store_true",
        help="observe the MySQL tables, then re-migrate only those that changed since this run's export",
    )
    r.set_defaults(func=cmd_run)

    o = sub.add_parser("observe", help="record every MySQL table's data version (what changed)")
    o.add_argument("--source", required=True)
    o.set_defaults(func=cmd_observe)

    b = sub.add_parser(
        "rollback",
        help="restore each table a run loaded to its rows before that run, in one transaction",
    )
    b.add_argument("--source", required=True)
    b.add_argument("--run", required=True, help="the migration run to roll back")
    b.add_argument(
        "--force",
        action="store_true",
        help="when a later run loaded some of the run's tables, restore the others and leave those",
    )
    b.add_argument("--yes", action="store_true", help="do not ask for confirmation on a terminal")
    b.set_defaults(func=cmd_rollback)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as e:
        print(f"converge: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - one clear line, never a password
        from .engine.mysql import SourceError
        from .engine.postgres import TargetError
        from .runner import RunRefused

        if isinstance(e, SourceError | TargetError | RunRefused):
            print(f"converge: {redact(str(e))}", file=sys.stderr)
            return 1
        raise


def entry() -> None:
    """The `converge` command. Once `main` has returned, every file is closed and every run
    and event is stored; tearing down the interpreter's modules (dagster, SQLAlchemy,
    pydantic) would only add 0.7 s to every call, so the process ends without it."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
