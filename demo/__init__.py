"""Demo source and target databases: an Alkemio-like and an Ory Kratos MySQL database full of
awkward but valid data, and their empty PostgreSQL targets. See `seed.create_demo`.

Test data, not product: the package sits beside `converge_assets` and is not in the wheel. Run
it from the repository root (`make demo` does, `python -m demo.seed`).

The names are loaded lazily so that `python -m demo.seed` does not import the module twice.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_DATABASES", "EXCLUDED_TABLES", "TRANSFORMS", "create_demo"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from demo import seed

        return getattr(seed, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
