"""The code location Dagster loads (`dagster dev`, workspace.yaml, pyproject's [tool.dagster],
`dg dev`): the definitions of converge.yaml (CONVERGE_CONFIG), and the components of the dg
defs folder (converge_assets/defs/, empty as shipped), in one code location."""

from pathlib import Path

from dagster import ComponentTree, Definitions, JobDefinition

from .builder import build_definitions
from .component import ConvergeMigrationComponent
from .engine.config import ConfigError, ConvergeConfig, load_config
from .translator import ConvergeTranslator


def code_location(config: ConvergeConfig, tree: ComponentTree) -> Definitions:
    """converge.yaml's definitions and the defs folder's; a source in both is refused (its
    assets, jobs and resources would be defined twice)."""
    components = tree.get_all_components(of_type=ConvergeMigrationComponent)
    both = sorted(set(config.sources) & {c.source for c in components})
    if both:
        raise ConfigError(
            f"source(s) {', '.join(both)} defined both in {config.path} and in a defs.yaml "
            f"under {tree.defs_module_path}: keep one"
        )
    # The defs folder's own definitions: the whole tree's would add, for 0.3 s a process
    # start, the JSON of every installed component type (the UI's docs of component types).
    return Definitions.merge(build_definitions(config), tree.build_defs(tree.defs_module_path))


defs = code_location(load_config(), ComponentTree.for_project(Path(__file__).resolve().parent))


def migrate_job(source: str) -> JobDefinition:
    """A source's migration job, as each step process of a multi-process run rebuilds it."""
    return defs.resolve_job_def(ConvergeTranslator().migrate_job_name(source))
