"""`migration_manifest.json`: one per source and run, beside the run's CSV files.

Every export records its table's entry as soon as its file is in place, in a file of its own
(`.entries/<table>.json`: parallel exports and separate step processes never lose each other's
entries, and no export rewrites the others': 500 tables rewriting one manifest cost the table
steps 8 s of CPU); readers see the manifest with every entry recorded since, and the manifest
asset writes it whole with the run's summary. The shape keeps the old scripts' keys
(`export_info`, `tables.<t>.rows`/`columns`, `summary.total_tables`/`total_rows`) so existing
tooling keeps reading it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from urllib.parse import quote

from . import storage
from .storage import Location

MANIFEST_NAME = "migration_manifest.json"
ENTRIES = ".entries"


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    rows: int
    columns: str  # comma-separated, as the old manifest had it
    bytes: int
    sha256: str
    exported_at: str
    snapshot_rows: int  # exact COUNT(*) in the export's snapshot
    auto_increment: int | None = None  # MySQL's AUTO_INCREMENT counter at export
    # information_schema UPDATE_TIME when the snapshot began: a later value means the source
    # table changed after its export (the source_drift check).
    source_update_time: str | None = None
    # The MySQL side of content parity, taken in the export's snapshot (parity.py).
    fingerprint: str | None = None
    fingerprint_sha256: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> ManifestEntry:
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in fields})


def manifest_path(run_dir: Location) -> Location:
    return run_dir / MANIFEST_NAME


@contextlib.contextmanager
def _locked(run_dir: Location) -> Iterator[None]:
    if storage.is_remote(run_dir):
        # No lock in an object store: entries are objects of their own, and the one writer of
        # the whole manifest is the run's manifest step (runs of a partition never overlap).
        yield
        return
    storage.make_dir(run_dir)
    with open(run_dir / ".manifest.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _entry_path(run_dir: Location, table: str) -> Location:
    return run_dir / ENTRIES / f"{quote(table, safe='')}.json"


def read_manifest(run_dir: Location) -> dict:
    """The manifest as last written whole, with every table entry recorded since."""
    path = manifest_path(run_dir)
    manifest = (
        json.loads(path.read_text())
        if path.exists()
        else {"export_info": {}, "tables": {}, "summary": {}}
    )
    entries = run_dir / ENTRIES
    recorded = entries.glob("*.json") if entries.is_dir() else []
    found = storage.read_many(list(recorded))
    for name in sorted(found):
        data = json.loads(found[name])
        manifest["export_info"] = {**manifest.get("export_info", {}), **data["export_info"]}
        manifest.setdefault("tables", {})[data["table"]] = data["entry"]
    return manifest


def _write(run_dir: Location, manifest: dict) -> None:
    tables = manifest.get("tables", {})
    manifest["summary"] = {
        "total_tables": len(tables),
        "total_rows": sum(t["rows"] for t in tables.values()),
        "total_bytes": sum(t["bytes"] for t in tables.values()),
    }
    data = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
    storage.write_bytes(manifest_path(run_dir), data)


def record_table(run_dir: Location, table: str, entry: ManifestEntry, export_info: dict) -> None:
    data = {"table": table, "entry": asdict(entry), "export_info": export_info}
    storage.write_bytes(_entry_path(run_dir, table), json.dumps(data).encode())


def update_export_info(run_dir: Location, export_info: dict) -> dict:
    """Write the manifest whole: every entry recorded so far, and `export_info` added."""
    with _locked(run_dir):
        manifest = read_manifest(run_dir)
        manifest["export_info"] = {**manifest.get("export_info", {}), **export_info}
        _write(run_dir, manifest)
        return manifest


def entry_for(run_dir: Location, table: str) -> ManifestEntry | None:
    recorded = _entry_path(run_dir, table)
    if recorded.exists():
        return ManifestEntry.from_dict(json.loads(recorded.read_text())["entry"])
    data = read_manifest(run_dir).get("tables", {}).get(table)
    return ManifestEntry.from_dict(data) if data else None


def file_sha256(path: Location, chunk: int = 1 << 20) -> tuple[str, int]:
    return storage.sha256(path, chunk)


@dataclass(frozen=True)
class ManifestProblem:
    table: str
    problem: str


def verify_manifest(run_dir: Location, expected_tables: list[str]) -> list[ManifestProblem]:
    """Every catalog table is listed, and each file's size and sha256 match its entry (the
    sha256 covers the rows: the exporter counted them as it wrote the very bytes hashed)."""
    listed = read_manifest(run_dir).get("tables", {})
    problems = [
        ManifestProblem(t, "not in the manifest") for t in expected_tables if t not in listed
    ]
    for table, data in listed.items():
        entry = ManifestEntry.from_dict(data)
        path = run_dir / entry.file
        if not path.exists():
            problems.append(ManifestProblem(table, f"file {entry.file} is missing"))
            continue
        sha, size = file_sha256(path)
        if size != entry.bytes:
            problems.append(ManifestProblem(table, f"size {size} B, manifest says {entry.bytes} B"))
        if sha != entry.sha256:
            problems.append(ManifestProblem(table, "sha256 differs from the manifest"))
        if entry.fingerprint:
            fingerprint = run_dir / entry.fingerprint
            if not fingerprint.exists():
                problems.append(ManifestProblem(table, f"file {entry.fingerprint} is missing"))
            elif file_sha256(fingerprint)[0] != entry.fingerprint_sha256:
                problems.append(ManifestProblem(table, f"{entry.fingerprint}: sha256 differs"))
        if entry.rows != entry.snapshot_rows:
            problems.append(
                ManifestProblem(table, f"{entry.rows} rows, snapshot count {entry.snapshot_rows}")
            )
    return problems
