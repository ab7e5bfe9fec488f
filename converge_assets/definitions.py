"""The code location Dagster loads (`dagster dev`, workspace.yaml, pyproject's [tool.dagster]):
the definitions of converge.yaml (CONVERGE_CONFIG)."""

from dagster import JobDefinition

from .assets import ConvergeTranslator
from .builder import build_definitions
from .config import load_config

defs = build_definitions(load_config())


def migrate_job(source: str) -> JobDefinition:
    """A source's migration job, as each step process of a multi-process run rebuilds it."""
    return defs.resolve_job_def(ConvergeTranslator().migrate_job_name(source))
