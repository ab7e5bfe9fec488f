"""The Kratos shape: converge's full run of a real Ory Kratos schema against pgloader.

    uv run python -m benchmarks.kratos [--rows 32] [--rounds 2]

Seeds the demo's Kratos v1.3.1 source (`demo/`) into `bench_kratos` (scale 32: 44,175 rows in
25 tables, about the 45k rows of the issue's measurement), then times `benchmarks.run --shapes
kratos`: converge (export, load and every check) against pgloader (data only, into a copy of
the same schema), alternating.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kratos", description=__doc__)
    parser.add_argument("--rows", type=int, default=32, help="the demo seed's scale factor")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--systems", default="converge,pgloader")
    args = parser.parse_args(argv)
    from .run import main as run

    return run(
        [
            "--shapes=kratos",
            f"--kratos-rows={args.rows}",
            f"--rounds={args.rounds}",
            f"--systems={args.systems}",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
