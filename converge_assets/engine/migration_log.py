"""The migration log: every event of a migration run, as the old `log_migration_run.sh` wrote it.

`migration_log.json` is `{"migration_runs": [{timestamp, status, message, host, user, ...}]}`;
we add the run key and the source so an auditor can tie each event to its data. The same events
are shown as asset metadata in Dagster.

In an object store, where no lock serialises a read-modify-write, each event is an object of
its own instead (`migration_log/<source>/<run>/<time>-<uuid>.json` beside where the file would
be): concurrent writers never lose each other's events.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import socket
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from . import storage
from .config import redact
from .files import private_dir, write_atomically
from .storage import Location, StorePath

LOG_NAME = "migration_log.json"
STATUSES = ("started", "in_progress", "completed", "failed", "rolled_back")


def log_location(export_dir: Location) -> Location:
    """The migration log of every source and run exported under `export_dir`."""
    return export_dir / LOG_NAME


@dataclass(frozen=True)
class MigrationEvent:
    timestamp: str
    status: str
    message: str
    host: str
    user: str
    run: str
    source: str


def make_event(status: str, message: str, *, run: str, source: str) -> MigrationEvent:
    if status not in STATUSES:
        raise ValueError(f"unknown migration status {status!r}; expected one of {STATUSES}")
    return MigrationEvent(
        timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status=status,
        message=redact(message),
        host=socket.gethostname(),
        user=getpass.getuser(),
        run=run,
        source=source,
    )


def _event_dir(log_path: StorePath, *, run: str, source: str) -> StorePath:
    # Quoted: a run key with a slash stays one level of the prefix.
    return log_path.parent / "migration_log" / quote(source, safe="") / quote(run, safe="")


def append_event(log_path: Location, event: MigrationEvent) -> None:
    if isinstance(log_path, StorePath):
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex}.json"
        where = _event_dir(log_path, run=event.run, source=event.source) / name
        storage.write_bytes(where, json.dumps(asdict(event), ensure_ascii=False).encode())
        return
    private_dir(log_path.parent)
    with open(log_path.with_name(f".{log_path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            log = json.loads(log_path.read_text()) if log_path.exists() else {}
            log.setdefault("migration_runs", []).append(asdict(event))
            write_atomically(log_path, json.dumps(log, indent=2, ensure_ascii=False).encode())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def events_for(log_path: Location, *, run: str, source: str) -> list[dict]:
    if isinstance(log_path, StorePath):
        events = _event_dir(log_path, run=run, source=source)
        found = storage.read_many(events.glob("*.json") if events.is_dir() else [])
        return [json.loads(found[name]) for name in sorted(found)]
    with contextlib.suppress(FileNotFoundError):
        log = json.loads(log_path.read_text())
        return [
            e
            for e in log.get("migration_runs", [])
            if e.get("run") == run and e.get("source") == source
        ]
    return []


def events_markdown(events: list[dict]) -> str:
    lines = ["| time (UTC) | status | message | host | user |", "|---|---|---|---|---|"]
    for e in events:
        message = e["message"].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {e['timestamp']} | {e['status']} | {message} | {e['host']} | {e['user']} |"
        )
    return "\n".join(lines)
