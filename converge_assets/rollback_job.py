"""The UI's rollback of a source's run: a job around the engine's `rollback_source`."""

from dagster import Config, OpExecutionContext, job, op

from .engine.config import ConvergeConfig, SourceConfig
from .engine.rollback import outcome_lines, rollback_source


class RollbackConfig(Config):
    run: str  # the migration run being rolled back
    force: bool = False  # restore the other tables when a later run loaded some of them


def build_rollback_job(settings: ConvergeConfig, source: SourceConfig, postgres_key: str):
    @op(name=f"rollback_{source.name}_tables", required_resource_keys={postgres_key})
    def _rollback(context: OpExecutionContext, config: RollbackConfig) -> None:
        outcome = rollback_source(
            settings,
            source,
            getattr(context.resources, postgres_key),
            config.run,
            force=config.force,
        )
        for line in outcome_lines(outcome):
            context.log.info(line)

    @job(
        name=f"rollback_{source.name}",
        description=(
            f"Restores each table a run of {source.name} loaded to its rows before that run, "
            "in one transaction; refuses tables a later run loaded."
        ),
    )
    def _job():
        _rollback()

    return _job
