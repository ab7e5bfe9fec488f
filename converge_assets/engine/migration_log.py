"""The migration log: every event of a migration run, as the old `log_migration_run.sh` wrote it.

`migration_log.json` is `{"migration_runs": [{timestamp, status, message, host, user, ...}]}`;
we add the run key and the source so an auditor can tie each event to its data. The same events
are shown as asset metadata in Dagster.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .config import redact
from .files import private_dir, write_atomically

LOG_NAME = "migration_log.json"
STATUSES = ("started", "in_progress", "completed", "failed", "rolled_back")


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


def append_event(log_path: Path, event: MigrationEvent) -> None:
    private_dir(log_path.parent)
    with open(log_path.with_name(f".{log_path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            log = json.loads(log_path.read_text()) if log_path.exists() else {}
            log.setdefault("migration_runs", []).append(asdict(event))
            write_atomically(log_path, json.dumps(log, indent=2, ensure_ascii=False).encode())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def events_for(log_path: Path, *, run: str, source: str) -> list[dict]:
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
