"""converge as a Dagster Component: one MySQL source and its PostgreSQL target, declared in a
`defs.yaml` of any `dg` project (`dg scaffold defs converge_assets.component.ConvergeMigrationComponent
NAME`), built by the very builder that builds converge.yaml's code location.

The component's attributes are what one source holds in converge.yaml, plus the run settings
converge.yaml holds at its top level. Its files, relative to the folder of its defs.yaml:

    defs.yaml                 the attributes
    catalog/<source>.json     the tables, written by `converge discover --defs <that folder>`

CSV files go to CONVERGE_EXPORT_DIR, or else csv_exports/ at the dg project's root.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Literal

import dagster as dg
from pydantic import BaseModel, Field

from .engine.catalog import catalog_path, source_catalog
from .engine.config import ConfigError, ConvergeConfig, parse_config
from .translator import ConvergeTranslator

DEFS_YAML = "defs.yaml"


class ComponentTranslator(ConvergeTranslator):
    """converge.yaml's names, but for the two definitions that a config has one of for all its
    sources: a component holds one source, and a project may hold several components (and
    converge.yaml's code location), so these carry the source's name."""

    def __init__(self, source: str):
        self.source = source

    def verdict_job_name(self) -> str:
        return f"{super().verdict_job_name()}_{self.source}"

    def verdict_sensor_name(self) -> str:
        return f"{super().verdict_sensor_name()}_{self.source}"


class ConvergeScaffoldParams(BaseModel):
    source: str | None = Field(
        default=None, description="The source's name in asset keys (default: the folder's name)."
    )
    mysql_database: str | None = Field(
        default=None, description="The MySQL database (default: the source's name)."
    )
    postgres_database: str | None = Field(
        default=None, description="The PostgreSQL database (default: the MySQL database's name)."
    )


class ConvergeMigrationScaffolder(dg.Scaffolder[ConvergeScaffoldParams]):
    """Writes a defs.yaml naming the source and its two databases."""

    @classmethod
    def get_scaffold_params(cls) -> type[ConvergeScaffoldParams]:
        return ConvergeScaffoldParams

    def scaffold(self, request: dg.ScaffoldRequest[ConvergeScaffoldParams]) -> None:
        params = request.params or ConvergeScaffoldParams()
        source = params.source or request.target_path.name
        mysql_database = params.mysql_database or source
        dg.scaffold_component(
            request,
            {
                "source": source,
                "mysql_database": mysql_database,
                "postgres_database": params.postgres_database or mysql_database,
                "postgres_schema": "public",
            },
        )


@dg.scaffold_with(ConvergeMigrationScaffolder)
class ConvergeMigrationComponent(dg.Component, dg.Model, dg.Resolvable):
    """Migrates a MySQL database to PostgreSQL through CSV files, proving nothing was lost.

    For each table a MySQL asset, its CSV export and its PostgreSQL load (keys mysql/<source>/<table>, csv/<source>/<table>, postgres/<source>/<table>), the run
    assets (<source>/target_schema, <source>/migration_manifest, <source>/migration_run) and
    the jobs migrate_<source>, observe_<source>, rollback_<source>, rerun_failed_<source>,
    cutover_<source>. Tables come from catalog/<source>.json beside the defs.yaml: write it
    with `converge discover --defs <the defs.yaml's folder>`. Server URLs come from the
    environment (CONVERGE_MYSQL_URL, CONVERGE_POSTGRES_URL, or the variables named here)."""

    source: str = Field(
        description="The source's name: lower case letters, digits and '_'; it is in every "
        "asset key and job name of the source."
    )
    mysql_database: str = Field(description="The MySQL database migrated.")
    postgres_database: str = Field(description="The PostgreSQL database it moves into.")
    postgres_schema: str = Field(default="public", description="The PostgreSQL schema.")
    exclude: list[str] = Field(default_factory=list, description="MySQL tables left out.")
    mysql_url_env: str | None = Field(
        default=None,
        description="An environment variable holding this source's MySQL URL (default: "
        "CONVERGE_MYSQL_URL, else mysql://root@127.0.0.1:3306).",
    )
    postgres_url_env: str | None = Field(
        default=None,
        description="An environment variable holding this source's PostgreSQL URL (default: "
        "CONVERGE_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432).",
    )
    transforms: dict[str, dict[str, Literal["base64", "zero_date_to_null"]]] = Field(
        default_factory=dict,
        description="Explicit per-column conversions: {table: {column: transform}}.",
    )
    foreign_keys: Literal["replica", "enforced"] = Field(
        default="replica",
        description="replica: foreign-key triggers off per load (needs the right to SET "
        "session_replication_role); enforced: parents first, in one transaction.",
    )
    parallel_tables: int = Field(default=4, description="Tables migrated at once in a step.")
    tables_per_step: int | None = Field(
        default=None,
        description="Tables per Dagster step (null: up to 250 share one step; 1: a step a table).",
    )
    retries: int = Field(
        default=2, description="Retries of a table step that lost a connection (0: none)."
    )
    retry_delay_seconds: float = Field(
        default=10.0, description="Seconds before the first retry, doubling each time."
    )

    def converge_config(self, folder: Path, project_root: Path | None = None) -> ConvergeConfig:
        """The config holding this one source, as converge.yaml's would (validated by the same
        code): its path is the defs.yaml, so its catalog is `<folder>/catalog/<source>.json`."""
        body = {
            "mysql_database": self.mysql_database,
            "postgres_database": self.postgres_database,
            "postgres_schema": self.postgres_schema,
            "exclude": list(self.exclude),
            "transforms": {table: dict(columns) for table, columns in self.transforms.items()},
            "foreign_keys": self.foreign_keys,
        }
        if self.mysql_url_env:
            body["mysql_url_env"] = self.mysql_url_env
        if self.postgres_url_env:
            body["postgres_url_env"] = self.postgres_url_env
        raw = {
            "sources": {self.source: body},
            "parallel_tables": self.parallel_tables,
            "tables_per_step": self.tables_per_step,
            "retries": self.retries,
            "retry_delay_seconds": self.retry_delay_seconds,
        }
        config = parse_config(raw, folder / DEFS_YAML)
        if project_root is None:
            return config
        return replace(config, export_root=project_root / "csv_exports")

    def translator(self) -> ComponentTranslator:
        return ComponentTranslator(self.source)

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        from .builder import build_definitions

        config = self.converge_config(context.path, context.project_root)
        source = config.source(self.source)
        if source_catalog(config.path, source.name, source.exclude) is None:
            warnings.warn(
                f"source {source.name!r} has no catalog yet "
                f"({catalog_path(config.path, source.name)}): run "
                f"`converge discover --defs {context.path}`",
                stacklevel=1,
            )
        with warnings.catch_warnings():
            # The builder's own advice names converge.yaml's command; ours is above.
            warnings.filterwarnings("ignore", message=r"source .* has no catalog yet: run")
            return build_definitions(config, self.translator())


def defs_yaml_path(path: Path) -> Path:
    """A component's defs.yaml, given it or its folder."""
    return path if path.suffix in (".yaml", ".yml") else path / DEFS_YAML


def load_component_config(path: Path) -> ConvergeConfig:
    """The config of the component declared in `path` (a defs.yaml or its folder, in a dg
    project whose package is importable), loaded as `dg` loads it: its attributes resolved as
    Dagster resolves them, templates such as {{ env.NAME }} included."""
    yaml_path = defs_yaml_path(path.resolve())
    if not yaml_path.is_file():
        raise ConfigError(f"{yaml_path} does not exist")
    folder = yaml_path.parent
    try:
        tree = dg.ComponentTree.for_project(folder)
        component = tree.load_component(folder)
    except Exception as e:  # noqa: BLE001 - Dagster's own message says what is wrong
        raise ConfigError(f"{yaml_path}: {e}") from None
    if not isinstance(component, ConvergeMigrationComponent):
        raise ConfigError(
            f"{yaml_path} declares a {type(component).__name__}, not a "
            f"{ConvergeMigrationComponent.__name__}"
        )
    return component.converge_config(folder, tree.project_root)
