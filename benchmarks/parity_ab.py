"""Two ways of computing content parity, measured against each other on the same loaded target.

    uv run python -m benchmarks.parity_ab CONFIG SOURCE [--rounds 4] [--variant uuid-buckets]

After a converge run of SOURCE (its catalog and target as the run left them), recomputes the
parity of every table (`benchmarks.parity_cost`) under variant A (the engine as it is) and B
(the variant switched off), alternating A B B A ..., so what else the machine does falls on
both. Each pass must pass parity on every table. Prints per pass: wall seconds and the CPU of
MariaDB, PostgreSQL and this process; then the medians and B/A.

Variants (B is the engine without it):
  uuid-buckets       parity.UUID_KEY_BUCKETS: the bucket of a table keyed by one uuid from two
                     bytes of the key's text, not from an MD5 of it
  reuse-connections  postgres.REUSE_CONNECTIONS: parity's PostgreSQL connections kept idle for
                     the next table instead of one new connection per use
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
from pathlib import Path

from converge_assets.engine import parity
from converge_assets.engine import postgres as pq

from .parity_cost import measure

VARIANTS = {
    "uuid-buckets": (parity, "UUID_KEY_BUCKETS"),
    "reuse-connections": (pq, "REUSE_CONNECTIONS"),
}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parity_ab", description=__doc__)
    parser.add_argument("config", type=Path)
    parser.add_argument("source")
    parser.add_argument("--rounds", type=int, default=4, help="passes of each variant")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="uuid-buckets")
    args = parser.parse_args(argv)
    module, switch = VARIANTS[args.variant]
    results: dict[str, list[dict]] = {"A": [], "B": []}
    order = []
    for r in range(args.rounds):
        order += ["A", "B"] if r % 2 == 0 else ["B", "A"]
    for which in order:
        setattr(module, switch, which == "A")
        cpu0 = _own_cpu()
        result = measure(args.config.resolve(), args.source)
        result["own_cpu_seconds"] = round(_own_cpu() - cpu0, 2)
        if result["failed"]:
            print(f"{which}: parity FAILED on {result['failed']}")
            return 1
        results[which].append(result)
        print(
            f"{which} ({args.variant} {'on' if which == 'A' else 'off'}): "
            f"{result['seconds']:6.2f} s  mariadb {result['mysql_cpu_seconds']:5.1f}  "
            f"postgres {result['postgres_cpu_seconds']:5.1f}  client "
            f"{result['own_cpu_seconds']:4.1f}  other {result['other_cpu_seconds']:5.1f}",
            flush=True,
        )
    keys = ("seconds", "mysql_cpu_seconds", "postgres_cpu_seconds", "own_cpu_seconds")
    med = {w: {k: statistics.median(x[k] for x in results[w]) for k in keys} for w in results}
    for k in keys:
        a, b = med["A"][k], med["B"][k]
        print(f"median {k:<22} A {a:7.2f}  B {b:7.2f}  A/B {a / b if b else float('nan'):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
