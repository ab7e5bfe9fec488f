"""The Dagster UI as a person uses it: Playwright driving Debian's chromium (headless) against
`dagster dev` (webserver and daemon) on the demo sources.

The journeys, from the UI alone: the lineage MySQL table -> CSV -> PostgreSQL table for both
sources; a new migration run added and materialised from the source's job, its checks green,
every export recording the MySQL version it read; a table made to fail by a bad row, shown
failed with the row named; the row fixed in MySQL and `rerun_failed_kratos` launched for the
partition: only that table moves ("moved 1, carried over 24"); one MySQL table changed and
`cutover_kratos` launched: exactly that table moves and the verdict passes. Screenshots of
each step go to a temporary folder (printed), or to CONVERGE_SCREENSHOTS (`make screenshots`
points it at docs/screenshots/, which the README shows); the UI timings go beside them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from psycopg import sql

from converge_assets.engine.catalog import catalog_path, write_catalog
from converge_assets.engine.mysql import discover
from converge_assets.resources import MySQLResource
from converge_assets_tests.conftest import MYSQL_URL, mysql_connect, postgres_connect
from demo.seed import EXCLUDED_TABLES, TRANSFORMS, create_demo

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="the browser test drives Debian's chromium (apt-get install chromium; .ci/run does)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"dagster dev exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/server_info", timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"dagster dev did not answer:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """The demo sources in databases of their own, and `dagster dev` serving them."""
    work = tmp_path_factory.mktemp("ui")
    suffix = uuid.uuid4().hex[:6]
    databases = {source: f"converge_ui_{suffix}_{source}" for source in ("alkemio", "kratos")}
    create_demo(databases=databases)
    config = work / "converge.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "sources": {
                    source: {
                        "mysql_database": database,
                        "postgres_database": database,
                        "exclude": list(EXCLUDED_TABLES[source]),
                        "transforms": TRANSFORMS[source],
                    }
                    for source, database in databases.items()
                }
            }
        )
    )
    for source, database in databases.items():
        with MySQLResource(url=MYSQL_URL).connect(database) as conn:
            catalog = discover(conn, source, database, EXCLUDED_TABLES[source])
        write_catalog(catalog, catalog_path(config, source))
    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    instance_db = f"converge_ui_{suffix}_dagster"
    with postgres_connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(instance_db)))
    port = free_port()
    log = work / "dagster_dev.log"
    env = {
        **os.environ,
        "CONVERGE_CONFIG": str(config),
        "CONVERGE_EXPORT_DIR": str(work / "csv_exports"),
        "DAGSTER_HOME": str(home),
        "DAGSTER_POSTGRES_URL": f"postgresql+psycopg2://postgres@127.0.0.1:5432/{instance_db}",
    }
    dagster = shutil.which("dagster", path=str(Path(sys.executable).parent)) or "dagster"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                dagster,
                "dev",
                "-w",
                str(ROOT / "workspace.yaml"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, process, log)
        yield {
            "url": url,
            "kratos": databases["kratos"],
            "instance_db": instance_db,
            "visited": False,
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        for database in [*databases.values(), instance_db]:
            with postgres_connect() as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(database)
                    )
                )
        with mysql_connect() as conn, conn.cursor() as cur:
            for database in databases.values():
                cur.execute(f"DROP DATABASE IF EXISTS `{database}`")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, ui):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(60_000)
    yield page
    page.close()


def open_page(page, ui, path: str) -> None:
    page.goto(ui["url"] + path)
    skip = page.get_by_role("button", name="Skip")  # "Join the Dagster community", first visit
    try:  # it can take a while to show on the first visit; after that it never comes back
        skip.wait_for(timeout=2_000 if ui["visited"] else 20_000)
        skip.click()
    except Exception:  # noqa: BLE001 - the dialog only shows once
        pass
    ui["visited"] = True


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CONVERGE_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


def screenshot(page, folder: Path, name: str) -> None:
    page.wait_for_timeout(1_000)  # let the graph settle
    page.screenshot(path=str(folder / name))


def launch_migration_run(page, ui, source: str, run: str) -> str:
    """The user's way: the source's job, Materialize all, add a partition, launch; returns the
    run page's URL."""
    from playwright.sync_api import expect

    open_page(page, ui, f"/locations/converge_assets/jobs/migrate_{source}")
    page.get_by_role("button", name="Materialize all").first.click()
    dialog = page.locator("[role=dialog]").first
    dialog.get_by_text("Add a partition").click()
    page.get_by_placeholder("name").fill(run)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Add a partition for migration_run")).to_have_count(0)
    launch = dialog.get_by_role("button", name="Launch 1 run")
    try:  # depending on timing the new partition comes back selected, or not
        launch.wait_for(timeout=5_000)
    except Exception:  # noqa: BLE001
        select_partition(page, dialog, run)
    launch.click()
    return open_launched_run(page)


def select_partition(page, dialog, run: str) -> None:
    dialog.get_by_text("Select a partition or create one").click()
    page.get_by_role("menuitem", name=run).click()
    page.keyboard.press("Escape")


def open_launched_run(page) -> str:
    """Follow the "Launched run ... View" toast to the run's page; returns its URL."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="View", exact=True).click()
    expect(page).to_have_url(re.compile(r".*/runs/[0-9a-f-]+$"), timeout=30_000)
    return page.url


def wait_for_run(page, outcome: str, timeout_ms: int = 300_000) -> None:
    """The run page's status tag (it updates live) reads `outcome`."""
    from playwright.sync_api import expect

    expect(page.get_by_text(outcome, exact=True).first).to_be_visible(timeout=timeout_ms)


def launch_rerun(page, ui, job: str, run: str) -> str:
    """A re-run job's launchpad: pick the run partition, launch; returns the run page's URL."""
    from playwright.sync_api import expect

    open_page(page, ui, f"/locations/converge_assets/jobs/{job}/playground")
    page.get_by_placeholder("Partition").fill(run)
    page.get_by_role("menuitem", name=run, exact=True).click()
    # The partition's tags load with it: launching before would launch without it.
    expect(page.get_by_text(f"partition: {run}", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Launch Run").click()
    try:  # the launchpad opens the run; on a slow machine its toast's "View" may come first
        page.wait_for_url(re.compile(r".*/runs/[0-9a-f-]+$"), timeout=20_000)
    except Exception:  # noqa: BLE001
        return open_launched_run(page)
    return page.url


def test_the_migration_cockpit(page, ui, screenshots):
    from playwright.sync_api import expect

    timings: dict[str, float] = {}

    # 1. Lineage: each table's path, MySQL table -> CSV -> PostgreSQL table, for both sources.
    for source, table in (("alkemio", "user"), ("kratos", "identities")):
        open_page(page, ui, f"/assets/postgres/{source}/{table}?view=lineage&lineageDepth=2")
        nodes = page.locator("[class*=AssetNode_assetName]")
        # The MySQL table, its CSV export and its load, beside the preflight and the verdict.
        expect(nodes.filter(has_text=re.compile(f"^{table}$"))).to_have_count(3)
        for node in ("target_schema", "migration_run"):
            expect(nodes.filter(has_text=node)).to_have_count(1)
        for kind in ("MySQL", "Postgres"):
            expect(page.get_by_text(kind, exact=True).first).to_be_visible()
        if source == "kratos":
            screenshot(page, screenshots, "lineage.png")
    # The whole graph: one box per layer of each source, in the data's order.
    open_page(page, ui, "/asset-groups")
    for group in ("kratos_mysql", "kratos_csv", "kratos_postgres", "kratos_run"):
        expect(page.get_by_text(group, exact=True).first).to_be_visible()
    screenshot(page, screenshots, "graph.png")

    # 2. A new migration run, added and materialised from the source's job; every step
    # succeeds, and every export recorded the version of the MySQL table it read.
    started = time.monotonic()
    run_url = launch_migration_run(page, ui, "kratos", "ui-rehearsal-1")
    wait_for_run(page, "Success")
    timings["full run, launch to success seen"] = time.monotonic() - started
    timings["full run, Dagster run"] = run_seconds(ui, run_id_of(run_url))
    expect(page.get_by_text("partition: ui-rehearsal-1")).to_be_visible()
    screenshot(page, screenshots, "run.png")
    moved, versions = table_materializations(ui, run_id_of(run_url))
    assert len(moved) == 50  # 25 CSVs and 25 loads
    assert versions and "INITIAL" not in versions

    # 3. The checks appear on the assets and pass.
    open_page(page, ui, "/assets/postgres/kratos/identities?view=checks")
    for check in ("row_count", "content_parity"):
        expect(page.get_by_text(check, exact=True).first).to_be_visible()
    expect(page.get_by_text("Failed", exact=True)).to_have_count(0)
    expect(page.get_by_text("Passed").first).to_be_visible()
    screenshot(page, screenshots, "checks.png")

    # 4. A bad row: sessions fails, named with its row on the run page; the other tables load.
    with mysql_connect(ui["kratos"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM sessions ORDER BY id LIMIT 1")
        (bad_id,) = cur.fetchone()
    set_source_active(ui, bad_id, 2)
    launch_migration_run(page, ui, "kratos", "ui-rehearsal-2")
    wait_for_run(page, "Failure")
    # The run page's log, filtered to what failed: the table step names sessions and its row.
    log_filter = page.get_by_placeholder(re.compile("Filter"))
    log_filter.first.fill("neither 0 nor 1")
    log_filter.first.press("Enter")
    refused = page.get_by_text(re.compile(r"kratos\.sessions\.active: neither 0 nor 1")).first
    expect(refused).to_be_visible()
    expect(refused).to_contain_text(bad_id)
    screenshot(page, screenshots, "failed-table.png")

    # 5. Fixed in MySQL; rerun_failed_kratos for the partition: only sessions moves.
    set_source_active(ui, bad_id, 1)
    rerun_from_ui(page, ui, screenshots, timings, "rerun_failed_kratos", "sessions", "only-failed")
    assert target_active(ui, bad_id) is True

    # 6. The cutover: one MySQL table changes; cutover_kratos observes every table and moves
    # exactly that one, then verifies the whole source.
    with mysql_connect(ui["kratos"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM identities ORDER BY id LIMIT 1")
        (identity,) = cur.fetchone()
        cur.execute("UPDATE identities SET state = 'inactive' WHERE id = %s", (identity,))
    rerun_from_ui(page, ui, screenshots, timings, "cutover_kratos", "identities", "cutover")
    with postgres_connect(ui["kratos"]) as conn:
        state = conn.execute("SELECT state FROM identities WHERE id = %s", (identity,)).fetchone()
    assert state == ("inactive",)

    # 7. Every migration run of the source, from the UI or a re-run job, is in its job's history.
    open_page(page, ui, "/locations/converge_assets/jobs/migrate_kratos/runs")
    expect(page.get_by_text(re.compile(r"^partition: ui-rehearsal-\d$"))).to_have_count(4)
    screenshot(page, screenshots, "job-history.png")
    (screenshots / "ui-timings.json").write_text(json.dumps(timings, indent=1))
    print("UI timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))


def rerun_from_ui(page, ui, screenshots, timings, job: str, table: str, name: str) -> None:
    """Launch a re-run job for ui-rehearsal-2; its plan moves `table` alone and carries the
    other 24 over, the migration run it ran says so in its verdict and moved only `table`."""
    from playwright.sync_api import expect

    started = time.monotonic()
    url = launch_rerun(page, ui, job, "ui-rehearsal-2")
    wait_for_run(page, "Success")
    timings[f"{name}, launch to success seen"] = time.monotonic() - started
    timings[f"{name}, Dagster run"] = run_seconds(ui, run_id_of(url))
    plan = f"moving 1 table\\(s\\) \\({table}\\), carrying over 24"
    expect(page.get_by_text(re.compile(plan)).first).to_be_visible()
    screenshot(page, screenshots, f"{name}.png")
    migration = open_migration_run_of(page, ui)
    verdict = r"moved 1, carried over 24; 25 table\(s\) exported, loaded and verified"
    expect(page.get_by_text(re.compile(verdict)).first).to_be_visible()
    screenshot(page, screenshots, f"{name}-migration.png")
    moved = table_materializations(ui, migration)[0]
    assert moved == {("csv", "kratos", table), ("postgres", "kratos", table)}


def run_seconds(ui, run_id: str) -> float:
    """A run's own duration, as Dagster recorded it (start of its process to its end)."""
    with postgres_connect(ui["instance_db"]) as conn:
        (seconds,) = conn.execute(
            "SELECT end_time - start_time FROM runs WHERE run_id = %s", (run_id,)
        ).fetchone()
    return seconds


def run_id_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def open_migration_run_of(page, ui) -> str:
    """From a re-run job's run page to the migration run it ran (its `migration_run` link)."""
    from playwright.sync_api import expect

    planning = run_id_of(page.url)
    with postgres_connect(ui["instance_db"]) as conn:
        (run_id,) = conn.execute(
            "SELECT run_id FROM run_tags JOIN runs USING (run_id) "
            "WHERE key = 'converge/planned_by' AND value = %s AND pipeline_name = 'migrate_kratos'",
            (planning,),
        ).fetchone()
    page.get_by_role("link", name=re.compile(run_id[:8])).first.click()
    expect(page).to_have_url(re.compile(f".*/runs/{run_id}"))
    wait_for_run(page, "Success")
    return run_id


def set_source_active(ui, session_id: str, value: int) -> None:
    """Kratos' sessions.active in MySQL: 0 and 1 are booleans, 2 is a value PostgreSQL refuses."""
    with mysql_connect(ui["kratos"]) as conn, conn.cursor() as cur:
        cur.execute("UPDATE sessions SET active = %s WHERE id = %s", (value, session_id))


def target_active(ui, session_id: str) -> bool | None:
    with postgres_connect(ui["kratos"]) as conn:
        row = conn.execute("SELECT active FROM sessions WHERE id = %s", (session_id,)).fetchone()
    return row[0]


def table_materializations(ui, run_id: str) -> tuple[set[tuple], set[str]]:
    """The table assets (CSV and PostgreSQL) a run materialised, and the MySQL data versions
    its exports recorded as their input."""
    moved, versions = set(), set()
    with postgres_connect(ui["instance_db"]) as conn:
        for asset_key, event in conn.execute(
            "SELECT asset_key, event FROM event_logs "
            "WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (run_id,),
        ):
            key = tuple(json.loads(asset_key))
            if key[0] in ("csv", "postgres"):
                moved.add(key)
            versions |= set(
                re.findall(r'"dagster/input_data_version/mysql/[^"]+": "([^"]+)"', event)
            )
    return moved, versions
