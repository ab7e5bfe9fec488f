"""Wall time and peak memory of a command and every process it starts.

The command runs in a new session. A thread scans /proc every 100 ms; a process belongs to the
run when it is in that session or descends from a process that does (so daemons that call
setsid are still followed). Peak memory is the largest VmHWM (a process's own peak RSS, kept by
the kernel, so a spike between two scans is not missed while the process lives) of any such
process. The root's `wait4` rusage adds ru_maxrss of every descendant that was reaped through
the chain, which covers short-lived processes the scans did not see. Database servers are not
part of any run: their memory is not counted for anybody.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Measurement:
    returncode: int
    seconds: float
    peak_rss: int  # bytes: max over processes of the run
    peak_process: str  # name of the process that had it; "name*": the root or a reaped child
    processes: int  # distinct processes seen
    cpu_seconds: float  # user + system CPU of every process of the run (RUSAGE_CHILDREN)
    server_cpu_seconds: float  # CPU of mariadbd/mysqld/postgres processes during the run
    mysql_cpu_seconds: float  # of which mariadbd/mysqld
    postgres_cpu_seconds: float  # of which postgres (its exited backends through the postmaster)
    other_cpu_seconds: float  # the rest of the machine's busy CPU: contention if not ~0
    stdout: Path
    stderr: Path
    leftovers: list[str] = field(default_factory=list)  # still running at the end: terminated

    def tail(self, lines: int = 15) -> str:
        text = (
            self.stderr.read_text(errors="replace").strip()
            or self.stdout.read_text(errors="replace").strip()
        )
        return "\n".join(text.splitlines()[-lines:])


_TICK = os.sysconf("SC_CLK_TCK")
SERVERS = {"mariadbd": "mysql", "mysqld": "mysql", "postgres": "postgres"}


def cpu_snapshot() -> tuple[float, dict[str, float]]:
    """(busy CPU seconds of the whole machine, {"mysql": s, "postgres": s}: CPU seconds of the
    database servers so far).

    A server's exited children (PostgreSQL backends) count through the postmaster's cutime.
    """
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    busy = (user + nice + system + irq + softirq + steal) / _TICK
    servers = {"mysql": 0, "postgres": 0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            raw = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        server = SERVERS.get(raw[raw.index("(") + 1 : raw.rindex(")")])
        if server:
            f = raw[raw.rindex(")") + 2 :].split()
            servers[server] += sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    return busy, {k: v / _TICK for k, v in servers.items()}


def _stat(pid: str) -> tuple[str, int, int] | None:
    """(name, ppid, session) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), int(fields[3])


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class _TreeWatcher(threading.Thread):
    def __init__(self, root: int, interval: float):
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.members: dict[int, str] = {}  # pid -> name, everything ever seen
        self.peak = 0
        self.peak_name = ""
        self._stop_event = threading.Event()

    def scan(self) -> list[int]:
        """Record the peaks of the live members; returns their pids."""
        table = {}
        for pid in os.listdir("/proc"):
            if pid.isdigit() and (st := _stat(pid)):
                table[int(pid)] = st
        live = {p for p, (_, _, sid) in table.items() if sid == self.root or p == self.root}
        grew = True
        while grew:  # children of members, even in sessions of their own
            more = {p for p, (_, ppid, _) in table.items() if ppid in live and p not in live}
            live |= more
            grew = bool(more)
        for pid in live:
            self.members[pid] = table[pid][0]
            hwm = _hwm(pid)
            if hwm > self.peak:
                self.peak, self.peak_name = hwm, table[pid][0]
        return sorted(live)

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.scan()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _become_subreaper() -> None:
    """Orphans of a run (a daemonised child, a forkserver outliving its parent) become this
    process's children, so their CPU reaches RUSAGE_CHILDREN when they are reaped here."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap_orphans(watcher: _TreeWatcher, root: int) -> list[str]:
    """Reap what the run left: what exits within 2 s is fine, the rest is terminated (by pid)
    and named."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return []
        if pid == 0:
            time.sleep(0.05)
    leftovers = []
    for pid in watcher.scan():
        if pid != root:
            leftovers.append(f"{watcher.members[pid]}[{pid}]")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5.0
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                for pid in watcher.scan():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 5.0
            time.sleep(0.05)
    return leftovers


def run_measured(
    argv: list[str],
    *,
    log_dir: Path,
    label: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 0.1,
) -> Measurement:
    """Run `argv` to completion; stdout/stderr go to `log_dir/label.{out,err}`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out, err = log_dir / f"{label}.out", log_dir / f"{label}.err"
    _become_subreaper()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "wb") as fout, open(err, "wb") as ferr:
        busy0, servers0 = cpu_snapshot()
        started = time.monotonic()
        proc = subprocess.Popen(
            argv, stdout=fout, stderr=ferr, env=env, cwd=cwd, start_new_session=True
        )
        watcher = _TreeWatcher(proc.pid, interval)
        watcher.scan()
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        watcher.stop()
        leftovers = _reap_orphans(watcher, proc.pid)
        busy1, servers1 = cpu_snapshot()
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Every process of the run was reaped by this one or by a reaped ancestor (orphans come
    # here, see _become_subreaper): a daemon such as a forkserver counts too.
    own = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    mysql_cpu = servers1["mysql"] - servers0["mysql"]
    postgres_cpu = servers1["postgres"] - servers0["postgres"]
    peak, peak_name = watcher.peak, watcher.peak_name
    if usage.ru_maxrss * 1024 > peak:  # grew after the last scan, or a reaped short-lived child
        root_name = watcher.members.get(proc.pid, "root")
        peak, peak_name = usage.ru_maxrss * 1024, f"{root_name}*"
    return Measurement(
        returncode=proc.returncode,
        seconds=seconds,
        peak_rss=peak,
        peak_process=peak_name,
        processes=len(watcher.members),
        cpu_seconds=own,
        server_cpu_seconds=mysql_cpu + postgres_cpu,
        mysql_cpu_seconds=mysql_cpu,
        postgres_cpu_seconds=postgres_cpu,
        other_cpu_seconds=max(0.0, (busy1 - busy0) - (mysql_cpu + postgres_cpu) - own),
        stdout=out,
        stderr=err,
        leftovers=leftovers,
    )


REPO_ROOT = Path(__file__).resolve().parent.parent


def measure_converge(
    source: str,
    run_key: str,
    *,
    config: Path,
    export_dir: Path,
    log_dir: Path,
    label_prefix: str = "",
    tree: Path = REPO_ROOT,
) -> tuple[Measurement, Measurement | None]:
    """`converge discover` then `converge run` of one source, each in a process of its own
    with `config` and `export_dir`, measured, from the checkout `tree` (this one by default).
    The run is None when discover failed."""
    env = {**os.environ, "CONVERGE_CONFIG": str(config), "CONVERGE_EXPORT_DIR": str(export_dir)}

    def converge(label: str, *args: str) -> Measurement:
        return run_measured(
            ["uv", "run", "converge", *args],
            log_dir=log_dir,
            label=label_prefix + label,
            env=env,
            cwd=tree,
        )

    discover = converge("discover", "discover", "--source", source)
    if discover.returncode != 0:
        return discover, None
    return discover, converge("run", "run", "--source", source, "--run", run_key)
