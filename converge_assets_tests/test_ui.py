"""The Dagster UI as a person uses it: Playwright driving Debian's chromium (headless) against
`dagster dev` (webserver and daemon) on the demo sources.

The journey: the lineage MySQL table -> CSV -> PostgreSQL table for both sources; a new
migration run added and materialised from the UI; its checks green; a table made to fail by a
bad row, shown failed with the row named; the row fixed in MySQL and the run re-executed from
asset failure, green; failed again, and the partition materialised again limited to failed and
missing and tagged converge/only_failed, which moves only the failed table. Screenshots go to
docs/screenshots/ (shown in the README).
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

from converge_assets.catalog import catalog_path, write_catalog
from converge_assets.demo.seed import EXCLUDED_TABLES, TRANSFORMS, create_demo
from converge_assets.mysql import MySQLResource, discover
from converge_assets_tests.conftest import MYSQL_URL, mysql_connect, postgres_connect

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
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


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1_000)  # let the graph settle
    page.screenshot(path=str(SCREENSHOTS / name))


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


def test_the_migration_cockpit(page, ui):
    from playwright.sync_api import expect

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
            screenshot(page, "lineage.png")

    # 2. A new migration run, added and materialised from the UI; every step succeeds.
    launch_migration_run(page, ui, "kratos", "ui-rehearsal-1")
    wait_for_run(page, "Success")
    expect(page.get_by_text("partition: ui-rehearsal-1")).to_be_visible()
    screenshot(page, "run.png")

    # 3. The checks appear on the assets and pass.
    open_page(page, ui, "/assets/postgres/kratos/identities?view=checks")
    for check in ("load_row_count", "content_parity"):
        expect(page.get_by_text(check, exact=True).first).to_be_visible()
    expect(page.get_by_text("Failed", exact=True)).to_have_count(0)
    expect(page.get_by_text("Passed").first).to_be_visible()
    screenshot(page, "checks.png")

    # 4. A bad row: sessions fails, named with its row; the other tables load.
    with mysql_connect(ui["kratos"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM sessions ORDER BY id LIMIT 1")
        (bad_id,) = cur.fetchone()
    set_source_active(ui, bad_id, 2)
    run_url = launch_migration_run(page, ui, "kratos", "ui-rehearsal-2")
    wait_for_run(page, "Failure")
    open_page(page, ui, "/assets/csv/kratos/sessions?view=checks")
    expect(page.get_by_text("accepted_by_postgres", exact=True).first).to_be_visible()
    expect(page.get_by_text("Failed").first).to_be_visible()
    refused = page.get_by_text(re.compile(r"kratos\.sessions\.active: neither 0 nor 1")).first
    expect(refused).to_be_visible()
    expect(refused).to_contain_text(bad_id)
    screenshot(page, "failed-check.png")

    # 5. Fixed in MySQL, then re-executed from asset failure: only sessions moves, and it is green.
    set_source_active(ui, bad_id, 1)
    page.goto(run_url)
    page.get_by_role("button", name="Re-execute all (*)").wait_for()
    page.locator("button:right-of(:text('Re-execute all (*)'))").first.click()
    page.get_by_role("menuitem", name="From asset failure").click()
    expect(page).not_to_have_url(run_url, timeout=30_000)
    wait_for_run(page, "Success")
    expect(page.get_by_text(re.compile(r"^[1-9] assets$")).first).to_be_visible()  # not 53
    screenshot(page, "reexecuted.png")
    assert target_active(ui, bad_id) is True

    # 6. The other way back: a run fails again; the partition is materialised again, limited to
    # "failed and missing" and tagged converge/only_failed (Dagster selects partitions, not
    # assets): only sessions moves, the other tables are carried over, and the run is green.
    set_source_active(ui, bad_id, 2)
    launch_migration_run(page, ui, "kratos", "ui-rehearsal-3")
    wait_for_run(page, "Failure")
    set_source_active(ui, bad_id, 0)
    open_page(page, ui, "/locations/converge_assets/jobs/migrate_kratos")
    page.get_by_role("button", name="Materialize all").first.click()
    dialog = page.locator("[role=dialog]").first
    select_partition(page, dialog, "ui-rehearsal-3")
    dialog.get_by_text("Backfill only failed and missing partitions within selection").click()
    expect(dialog.get_by_text(re.compile(r"Only 1 failed and missing"))).to_be_visible()
    dialog.get_by_text("Tags", exact=True).click()
    dialog.get_by_role("button", name="Add tags").click()
    page.get_by_placeholder("Tag Key").fill("converge/only_failed")
    page.get_by_placeholder("Tag Value").fill("true")
    page.get_by_role("button", name="Apply").click()
    expect(dialog.get_by_text("1 tags")).to_be_visible()
    screenshot(page, "only-failed.png")
    dialog.get_by_role("button", name=re.compile(r"^Launch (1 run|backfill)$")).click()
    run_url = open_launched_run(page)
    wait_for_run(page, "Success")
    moved, carried = table_materializations(ui, run_url.rsplit("/", 1)[1])
    assert moved == {("csv", "kratos", "sessions"), ("postgres", "kratos", "sessions")}
    assert len(carried) == 48  # the other 24 tables' CSVs and loads
    assert target_active(ui, bad_id) is False


def set_source_active(ui, session_id: str, value: int) -> None:
    """Kratos' sessions.active in MySQL: 0 and 1 are booleans, 2 is a value PostgreSQL refuses."""
    with mysql_connect(ui["kratos"]) as conn, conn.cursor() as cur:
        cur.execute("UPDATE sessions SET active = %s WHERE id = %s", (value, session_id))


def target_active(ui, session_id: str) -> bool | None:
    with postgres_connect(ui["kratos"]) as conn:
        row = conn.execute("SELECT active FROM sessions WHERE id = %s", (session_id,)).fetchone()
    return row[0]


def table_materializations(ui, run_id: str) -> tuple[set[tuple], set[tuple]]:
    """The table assets (CSV and PostgreSQL) a run moved, and those it carried over."""
    moved, carried = set(), set()
    with postgres_connect(ui["instance_db"]) as conn:
        for asset_key, event in conn.execute(
            "SELECT asset_key, event FROM event_logs "
            "WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (run_id,),
        ):
            key = tuple(json.loads(asset_key))
            if key[0] in ("csv", "postgres"):
                (carried if "converge/carried_over_from_run" in event else moved).add(key)
    return moved, carried
