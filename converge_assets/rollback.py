"""Rollback: empty a source's target tables in one transaction and record `rolled_back`."""

from dagster import Config, OpExecutionContext, job, op

from . import postgres as pq
from .catalog import Catalog
from .config import ConvergeConfig, SourceConfig
from .migration_log import append_event, make_event
from .postgres import PostgresResource


def rollback_source(
    config: ConvergeConfig,
    source: SourceConfig,
    catalog: Catalog,
    postgres: PostgresResource,
    run: str,
) -> list[str]:
    """Empty exactly the catalog's tables (excluded tables untouched), all or none."""
    with postgres.connect(source.postgres_database) as conn:
        targets = pq.read_target_schema(conn, source.postgres_schema)
        emptied = [targets[t.name] for t in catalog.tables if t.name in targets]
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(pq.disable_triggers_locally())
            for target in emptied:
                cur.execute(pq.delete_all(target.schema, target.name))
    names = [t.name for t in emptied]
    append_event(
        config.export_dir / "migration_log.json",
        make_event(
            "rolled_back",
            f"emptied {len(names)} table(s) of {source.name}",
            run=run,
            source=source.name,
        ),
    )
    return names


class RollbackConfig(Config):
    run: str  # the migration run being rolled back, for the log


def build_rollback_job(
    settings: ConvergeConfig, source: SourceConfig, catalog: Catalog, postgres_key: str
):
    @op(name=f"rollback_{source.name}_tables", required_resource_keys={postgres_key})
    def _rollback(context: OpExecutionContext, config: RollbackConfig) -> None:
        names = rollback_source(
            settings, source, catalog, getattr(context.resources, postgres_key), config.run
        )
        context.log.info(f"rolled back {source.name}: emptied {len(names)} table(s)")

    @job(
        name=f"rollback_{source.name}",
        description=f"Empties every target table of {source.name} in one transaction.",
    )
    def _job():
        _rollback()

    return _job
