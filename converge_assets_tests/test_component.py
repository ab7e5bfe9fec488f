"""converge as a Dagster Component, the way a team adds a migration to its own dg project:
`dg scaffold defs`, `converge discover --defs`, `dg list defs`, `dg check defs`, and a run of
the source's migration job built through Dagster's component loading. Real servers, real `dg`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster import DagsterEventType

from converge_assets.builder import build_definitions
from converge_assets.cli import main as converge_main
from converge_assets.component import ComponentTranslator, ConvergeMigrationComponent
from converge_assets.engine.config import PROJECT_ROOT, ConfigError, load_config
from converge_assets.runner import ensure_partition

COMPONENT = "converge_assets.component.ConvergeMigrationComponent"
DG = str(Path(sys.executable).parent / "dg")

MYSQL_DDL = """
CREATE TABLE `customer` (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, `email` varchar(255) NOT NULL,
  `created_at` datetime NOT NULL);
CREATE TABLE `order` (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, `customer_id` int NOT NULL,
  `total` decimal(10,2) NOT NULL, `paid` tinyint(1) NOT NULL,
  FOREIGN KEY (`customer_id`) REFERENCES `customer` (`id`));
INSERT INTO `customer` (email, created_at) VALUES
  ('ada@example.com', '2024-01-02 10:00:00'), ('linus@example.com', '2024-02-03 11:30:00');
INSERT INTO `order` (customer_id, total, paid) VALUES (1, 19.90, 1), (1, 5.00, 0), (2, 120.00, 1);
"""
POSTGRES_DDL = """
CREATE TABLE customer (id serial PRIMARY KEY, email text NOT NULL, created_at timestamp NOT NULL);
CREATE TABLE "order" (id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customer (id),
  total numeric(10,2) NOT NULL, paid boolean NOT NULL);
"""


def make_project(root: Path) -> tuple[Path, str]:
    """A team's own dg project (as `uvx create-dagster project` lays one out): its package
    under src/, a definitions.py loading the defs folder. Returns (root, package name)."""
    package = f"team_{uuid.uuid4().hex[:8]}"  # one per test: no module of another test reused
    (root / "src" / package / "defs").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{package}"\nversion = "0.1.0"\n'
        'dependencies = ["converge-assets"]\n\n'
        '[tool.dg]\ndirectory_type = "project"\n\n'
        f'[tool.dg.project]\nroot_module = "{package}"\n'
    )
    (root / "src" / package / "__init__.py").write_text("")
    (root / "src" / package / "defs" / "__init__.py").write_text("")
    (root / "src" / package / "definitions.py").write_text(
        "from pathlib import Path\n\nimport dagster as dg\n\n\n"
        "@dg.definitions\ndef defs():\n"
        "    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)\n"
    )
    return root, package


def project_env(root: Path, **extra: str) -> dict[str, str]:
    """The team's environment: its package importable (as `uv sync` would install it), no
    DAGSTER_HOME (dg opens a temporary instance), a wide terminal for dg's tables."""
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "PYTHONPATH")}
    return {**env, "PYTHONPATH": str(root / "src"), "COLUMNS": "200", **extra}


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def dg_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(DG, *args, cwd=cwd, env=env)


def converge_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "converge_assets.cli", *args, cwd=cwd, env=env)


def write_defs_yaml(folder: Path, **attributes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "defs.yaml").write_text(yaml.safe_dump({"type": COMPONENT, "attributes": attributes}))
    return folder


def test_dg_lists_the_component_and_scaffolds_its_defs_yaml(tmp_path):
    root, package = make_project(tmp_path / "project")
    env = project_env(root)

    out = dg_cli("list", "components", "--json", cwd=root, env=env)
    assert out.returncode == 0, out.stderr
    keys = [c["key"] for c in json.loads(out.stdout)["items"]]
    assert COMPONENT in keys  # registered by our dagster_dg_cli.registry_modules entry point

    out = dg_cli(
        "scaffold", "defs", COMPONENT, "orders", "--mysql-database", "shop", cwd=root, env=env
    )
    assert out.returncode == 0, out.stdout + out.stderr
    defs_yaml = root / "src" / package / "defs" / "orders" / "defs.yaml"
    assert yaml.safe_load(defs_yaml.read_text()) == {
        "type": COMPONENT,
        "attributes": {
            "source": "orders",  # the folder's name
            "mysql_database": "shop",
            "postgres_database": "shop",
            "postgres_schema": "public",
        },
    }

    # Before its catalog exists the project still loads (no table assets yet), and says what
    # to run.
    out = dg_cli("check", "defs", cwd=root, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    out = dg_cli("list", "defs", "--json", cwd=root, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout).get("assets", []) == []
    assert f"run `converge discover --defs {defs_yaml.parent}`" in out.stderr


def test_discover_then_dg_list_and_check_defs(make_source, tmp_path):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    root, package = make_project(tmp_path / "project")
    env = project_env(root)
    out = dg_cli(
        "scaffold",
        "defs",
        COMPONENT,
        "shop",
        "--mysql-database",
        source.mysql_database,
        "--postgres-database",
        source.postgres_database,
        cwd=root,
        env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    folder = root / "src" / package / "defs" / "shop"

    out = converge_cli("discover", "--defs", str(folder), cwd=root, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == f"shop: 2 tables, 7 columns -> {folder / 'catalog' / 'shop.json'}"

    out = dg_cli("list", "defs", "--json", cwd=root, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    listed = json.loads(out.stdout)
    assets = {a["asset_key"]: a for a in listed["assets"]}
    for table in ("customer", "order"):
        mysql, csv, postgres = (f"{system}/shop/{table}" for system in ("mysql", "csv", "postgres"))
        assert mysql in assets
        assert mysql in assets[csv]["dependency_keys"]
        assert csv in assets[postgres]["dependency_keys"]
        assert assets[postgres]["source"] == f"src/{package}/defs/shop/defs.yaml:1"
    assert {"shop/target_schema", "shop/migration_manifest", "shop/migration_run"} <= set(assets)
    assert len(assets) == 3 * 2 + 3
    jobs = {j["name"] for j in listed["jobs"]}
    assert {"migrate_shop", "observe_shop", "rollback_shop", "rerun_failed_shop"} <= jobs
    assert "record_migration_verdict_shop" in jobs
    assert {s["name"] for s in listed["sensors"]} == {"record_failed_migration_runs_shop"}

    out = dg_cli("check", "defs", cwd=root, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "All definitions loaded successfully." in out.stdout
    assert "no catalog" not in out.stderr

    # A defs.yaml that the source's rules refuse fails the check, with converge's reason.
    raw = yaml.safe_load((folder / "defs.yaml").read_text())
    raw["attributes"]["source"] = "csv"
    (folder / "defs.yaml").write_text(yaml.safe_dump(raw))
    out = dg_cli("check", "defs", cwd=root, env=env)
    assert out.returncode != 0
    assert "'csv' is reserved" in out.stdout + out.stderr


def test_a_source_declared_only_in_a_defs_yaml_migrates_end_to_end(
    make_source, tmp_path, instance, monkeypatch
):
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    root, package = make_project(tmp_path / "project")
    monkeypatch.syspath_prepend(str(root / "src"))
    folder = write_defs_yaml(
        root / "src" / package / "defs" / "billing",
        source="billing",
        mysql_database=source.mysql_database,
        postgres_database=source.postgres_database,
        parallel_tables=2,
    )
    assert converge_main(["discover", "--defs", str(folder)]) == 0
    assert (folder / "catalog" / "billing.json").is_file()

    defs = dg.load_from_defs_folder(path_within_project=root)
    tree = dg.ComponentTree.for_project(root)
    (component,) = tree.get_all_components(of_type=ConvergeMigrationComponent)

    # What the builder returns for a config holding this one source, named as a component.
    config = component.converge_config(folder, root)
    expected = build_definitions(config, ComponentTranslator("billing"))
    assert names(defs) == names(expected)
    assert config.source("billing").mysql_database == source.mysql_database
    assert config.export_dir == Path(os.environ["CONVERGE_EXPORT_DIR"]).resolve()

    ensure_partition(instance, "r1")
    result = defs.resolve_job_def("migrate_billing").execute_in_process(
        instance=instance, partition_key="r1", raise_on_error=False
    )
    assert result.success
    assert source.postgres(
        "SELECT id, email, created_at::text FROM customer ORDER BY id"
    ) == source.mysql("SELECT id, email, CAST(created_at AS char) FROM customer ORDER BY id")
    assert source.postgres(
        'SELECT id, customer_id, total::text, paid FROM "order" ORDER BY id'
    ) == [
        (i, c, str(t), bool(p)) for i, c, t, p in source.mysql("SELECT * FROM `order` ORDER BY id")
    ]
    assert (config.export_dir / "billing" / "r1" / "order.csv").is_file()
    checks = instance.get_records_for_run(
        result.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    evaluations = [r.event_log_entry.dagster_event.event_specific_data for r in checks]
    assert len(evaluations) >= 8 and all(e.passed for e in evaluations)


def names(defs: dg.Definitions) -> dict[str, set[str]]:
    repo = defs.get_repository_def()
    graph = defs.resolve_asset_graph()
    return {
        "assets": {k.to_user_string() for k in graph.get_all_asset_keys()},
        "checks": {k.to_user_string() for k in graph.asset_check_keys},
        "jobs": {j.name for j in repo.get_all_jobs()},
        "schedules": {s.name for s in repo.schedule_defs},
        "sensors": {s.name for s in repo.sensor_defs},
        "resources": set(repo.get_top_level_resources()),
    }


def test_two_components_in_one_project_and_a_failed_run_records_only_its_own_verdict(
    make_source, tmp_path, instance, monkeypatch
):
    """Each component has its own verdict job and failure sensor (a project of several
    migrations loads); a failed whole run of one source asks for that source's verdict only."""
    source = make_source(MYSQL_DDL, POSTGRES_DDL)
    root, package = make_project(tmp_path / "project")
    monkeypatch.syspath_prepend(str(root / "src"))
    for name in ("north", "south"):
        folder = write_defs_yaml(
            root / "src" / package / "defs" / name,
            source=name,
            mysql_database=source.mysql_database,
            postgres_database=source.postgres_database,
        )
        assert converge_main(["discover", "--defs", str(folder)]) == 0
    defs = dg.load_from_defs_folder(path_within_project=root)
    found = names(defs)
    assert {"record_migration_verdict_north", "record_migration_verdict_south"} <= found["jobs"]
    assert found["sensors"] == {
        "record_failed_migration_runs_north",
        "record_failed_migration_runs_south",
    }

    source.postgres('DROP TABLE "order"')  # north's preflight refuses: the run fails
    ensure_partition(instance, "r1")
    result = defs.resolve_job_def("migrate_north").execute_in_process(
        instance=instance, partition_key="r1", raise_on_error=False
    )
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    assert not run.asset_selection  # a whole job's run: only its tag says which source
    (failure,) = instance.get_records_for_run(
        result.run_id, of_type=DagsterEventType.RUN_FAILURE
    ).records
    requests = {}
    for name in ("north", "south"):
        sensor = defs.resolve_sensor_def(f"record_failed_migration_runs_{name}")
        context = dg.build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_event=failure.event_log_entry.dagster_event,
            dagster_instance=instance,
            dagster_run=run,
        )
        requests[name] = sensor(context)
    assert requests["south"] is None
    assert list(requests["north"].asset_selection) == [dg.AssetKey(["north", "migration_run"])]


def test_a_scaffolded_component_joins_this_repositorys_code_location(tmp_path):
    """In a copy of this repository: `dg scaffold defs` writes into converge_assets/defs/, and
    `dg list defs` shows converge.yaml's sources and the component in one code location."""
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("pyproject.toml", "converge.yaml"):
        shutil.copy(PROJECT_ROOT / name, copy / name)
    shutil.copytree(PROJECT_ROOT / "catalog", copy / "catalog")
    shutil.copytree(
        PROJECT_ROOT / "converge_assets",
        copy / "converge_assets",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "CONVERGE_CONFIG")}
    env |= {"PYTHONPATH": str(copy), "COLUMNS": "200"}  # the copy's package, not ours

    out = dg_cli("scaffold", "defs", COMPONENT, "orders", cwd=copy, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    folder = copy / "converge_assets" / "defs" / "orders"
    assert (folder / "defs.yaml").is_file()
    # Its catalog, as `converge discover --defs` would write it (MySQL has no `orders`).
    (folder / "catalog").mkdir()
    kratos = json.loads((copy / "catalog" / "kratos.json").read_text())
    (folder / "catalog" / "orders.json").write_text(json.dumps({**kratos, "source": "orders"}))

    out = dg_cli("list", "defs", "--json", cwd=copy, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    listed = json.loads(out.stdout)
    keys = [a["asset_key"] for a in listed["assets"]]
    assert len(keys) == len(set(keys))
    sources = {key.split("/")[1] for key in keys if key.startswith("postgres/")}
    assert sources == {"alkemio", "kratos", "orders"}
    jobs = {j["name"] for j in listed["jobs"]}
    assert {"migrate_alkemio", "migrate_kratos", "migrate_orders"} <= jobs
    assert {"record_migration_verdict", "record_migration_verdict_orders"} <= jobs

    out = dg_cli("check", "defs", cwd=copy, env=env)
    assert out.returncode == 0, out.stdout + out.stderr

    # The same source in converge.yaml and in a defs.yaml: refused, naming both.
    raw = yaml.safe_load((folder / "defs.yaml").read_text())
    raw["attributes"]["source"] = "kratos"
    (folder / "defs.yaml").write_text(yaml.safe_dump(raw))
    out = dg_cli("check", "defs", cwd=copy, env=env)
    assert out.returncode != 0
    assert "source(s) kratos defined both in" in out.stdout + out.stderr


def test_this_repositorys_code_location_is_converge_yamls_alone():
    """As shipped the defs folder is empty: the code location is converge.yaml's definitions."""
    from converge_assets.definitions import defs

    assert names(defs) == names(build_definitions(load_config(PROJECT_ROOT / "converge.yaml")))


def test_exports_default_to_the_projects_csv_exports(tmp_path, monkeypatch):
    monkeypatch.delenv("CONVERGE_EXPORT_DIR", raising=False)
    component = ConvergeMigrationComponent(source="shop", mysql_database="a", postgres_database="b")
    folder = tmp_path / "src" / "team" / "defs" / "shop"
    config = component.converge_config(folder, tmp_path)
    assert config.export_dir == tmp_path / "csv_exports"
    assert config.path == folder / "defs.yaml"
    with pytest.raises(ConfigError, match="tables_per_step cannot be combined"):
        ConvergeMigrationComponent(
            source="shop",
            mysql_database="a",
            postgres_database="b",
            foreign_keys="enforced",
            tables_per_step=1,
        ).converge_config(folder)
