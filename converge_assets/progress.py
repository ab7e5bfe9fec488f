"""A live per-table progress display for `converge run` on a terminal.

It follows the run's events in the Dagster instance (the same ones the UI shows): each table's
export and load as they finish, its checks, and the progress lines long exports and loads log.
On a terminal the table is redrawn in place and erased at the end, where the run's summary
takes its place; elsewhere (CI, a log file) only the summary is printed.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field

from dagster import DagsterEventType, DagsterInstance, RunsFilter

from .translator import SYSTEMS, ConvergeTranslator


@dataclass
class TableProgress:
    export: str = "·"
    load: str = "·"
    checks_failed: list[str] = field(default_factory=list)
    checks_passed: int = 0
    note: str = ""


class ProgressDisplay:
    def __init__(
        self,
        instance: DagsterInstance,
        run_tag: tuple[str, str],
        source: str,
        tables: list[str],
        translator: ConvergeTranslator,
        stream=sys.stdout,
    ):
        """`run_tag`: the tag that tells the run apart (its id is Dagster's to choose)."""
        self.instance, self.run_tag, self.source, self.stream = instance, run_tag, source, stream
        self.run_id: str | None = None
        self.translator = translator
        self.names = {self.translator.asset_name(t): t for t in tables}
        self.tables = {t: TableProgress() for t in tables}
        self.live = stream.isatty()
        self.cursor = None
        self.drawn_lines = 0
        self.header = f"{source}: starting"  # the table step's "N/M tables done, ..., ETA" line
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)

    def __enter__(self) -> ProgressDisplay:
        if self.live:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if not self.live:
            return
        self._stop.set()
        self._thread.join()
        if self.drawn_lines:
            self.stream.write(f"\x1b[{self.drawn_lines}F\x1b[J")
            self.stream.flush()

    def _follow(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self._poll()
                self._render()
            except Exception:  # the display must never break a migration
                continue

    def _table_of(self, key) -> str | None:
        if key is None or key.path[0] not in SYSTEMS or key.path[1] != self.source:
            return None
        return self.names.get(key.path[2])

    def _poll(self) -> None:
        if self.run_id is None:
            key, value = self.run_tag
            runs = self.instance.get_runs(filters=RunsFilter(tags={key: value}), limit=1)
            if not runs:
                return
            self.run_id = runs[0].run_id
        connection = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, limit=1000)
        self.cursor = connection.cursor
        for record in connection.records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None:
                self._note(entry.user_message)
            elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
                table = self._table_of(event.asset_key)
                if table:
                    rows = event.step_materialization_data.materialization.metadata.get(
                        "dagster/row_count"
                    )
                    mark = f"✓ {rows.value:,}" if rows is not None else "✓"
                    if event.asset_key.path[0] == "csv":
                        self.tables[table].export = mark
                    elif event.asset_key.path[0] == "postgres":
                        self.tables[table].load = mark
            elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
                evaluation = event.event_specific_data
                table = self._table_of(evaluation.asset_key)
                if table:
                    if evaluation.passed:
                        self.tables[table].checks_passed += 1
                    else:
                        self.tables[table].checks_failed.append(evaluation.check_name)

    def _note(self, message: str) -> None:
        # "exporting src.table: 1,000/9,000 rows (11%), ..." / "src.table failed: ..."
        # / "src: 3/25 tables done, 1,234 rows loaded, 4s, ETA 29s; last: user"
        if message.startswith(f"{self.source}: ") and " tables done" in message:
            self.header = message
        for verb in ("exporting", "loading"):
            prefix = f"{verb} {self.source}."
            if message.startswith(prefix):
                table, _, rest = message[len(prefix) :].partition(": ")
                if table in self.tables:
                    self.tables[table].note = f"{verb} {rest.split(',')[0]}"
                    setattr(self.tables[table], "export" if verb == "exporting" else "load", "…")
        if message.startswith(f"{self.source}.") and " failed: " in message:
            table = message[len(self.source) + 1 :].split(" failed: ")[0]
            if table in self.tables:
                self.tables[table].load = "✗"
                self.tables[table].note = message.split(" failed: ", 1)[1][:100]

    def _line(self, table: str, p: TableProgress) -> str:
        checks = f"{p.checks_passed} ok" + (
            f", failed: {', '.join(p.checks_failed)}" if p.checks_failed else ""
        )
        width = max(map(len, self.tables))
        return f"  {table.ljust(width)}  export {p.export:<10} load {p.load:<10} checks {checks}  {p.note}".rstrip()

    def _render(self) -> None:
        if self.drawn_lines:
            self.stream.write(f"\x1b[{self.drawn_lines}F\x1b[J")
        lines = [self.header, *(self._line(t, p) for t, p in self.tables.items())]
        self.stream.write("\n".join(lines) + "\n")
        self.drawn_lines = len(lines)
        self.stream.flush()
