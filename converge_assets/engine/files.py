"""Files that only their owner reads (Kratos tables hold credential hashes and session
tokens), written so that no reader ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def private_dir(path: Path) -> Path:
    """`path` and every parent it creates, readable by their owner only (`mkdir -p -m 700`:
    `Path.mkdir(mode=...)` applies the mode to the last directory alone)."""
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
    return path


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write to a temporary file in the same directory and rename it over the target, so a
    reader never sees a half-written file."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
