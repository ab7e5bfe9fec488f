"""Where a run directory lives: the local disk (a `Path`, as always) or an object store
(`StorePath`, an `s3://bucket/prefix` URL or any other fsspec scheme).

`StorePath` answers the few `Path` questions the engine and the Dagster layer ask of a run
directory (`/`, `name`, `parent`, `exists`, `open`, `read_text`, `glob`), so code that joins and
reads paths works on both. Writes go through this module, because they differ where it matters:

* `atomic_writer`: locally a temporary file renamed over the final one; in an object store a
  multipart upload completed only on success and aborted on failure. Either way, a crash or a
  killed process never leaves a partial file under the final name, and memory stays bounded by
  one part (`BLOCK_BYTES`) whatever the table's size.
* `write_bytes`: small files (manifest entries, fingerprints): a rename, or one PUT.

Credentials come from the environment or the standard AWS chain (botocore's); they are never
part of a URL, so no path, log line, metadata value or exception carries them.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from typing import IO, Any

from .files import private_dir, write_atomically

# One multipart part, and the read-ahead of a streaming read: S3's smallest part is 5 MiB.
BLOCK_BYTES = 8 << 20


@dataclass(frozen=True)
class StorePath:
    """A key (or a key prefix, as a directory) in an fsspec filesystem."""

    url_scheme: str
    path: str  # bucket/key, without the scheme
    fs: Any = field(compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.url_scheme}://{self.path}"

    def __truediv__(self, name: str) -> StorePath:
        return StorePath(self.url_scheme, f"{self.path.rstrip('/')}/{name}", self.fs)

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def parent(self) -> StorePath:
        return StorePath(self.url_scheme, self.path.rstrip("/").rsplit("/", 1)[0], self.fs)

    def with_name(self, name: str) -> StorePath:
        return self.parent / name

    def exists(self) -> bool:
        return self.fs.exists(self.path)

    def is_file(self) -> bool:
        return self.fs.isfile(self.path)

    def is_dir(self) -> bool:
        return self.fs.isdir(self.path)

    def open(self, mode: str = "r", **kwargs) -> IO:
        """For reading (writes: `atomic_writer`); streamed, `BLOCK_BYTES` read ahead."""
        if "w" in mode or "a" in mode or "x" in mode:
            raise ValueError("write through storage.atomic_writer or storage.write_bytes")
        return self.fs.open(self.path, mode, block_size=BLOCK_BYTES, **kwargs)

    def read_bytes(self) -> bytes:
        return self.fs.cat_file(self.path)

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.read_bytes().decode(encoding)

    def iterdir(self) -> list[StorePath]:
        return [self._child(p) for p in self.fs.ls(self.path, detail=False)]

    def glob(self, pattern: str) -> list[StorePath]:
        return [p for p in self.iterdir() if fnmatch.fnmatchcase(p.name, pattern)]

    def unlink(self, missing_ok: bool = False) -> None:
        try:
            self.fs.rm_file(self.path)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def _child(self, path: str) -> StorePath:
        return StorePath(self.url_scheme, path.rstrip("/"), self.fs)


Location = Path | StorePath


def location(text: str | Path) -> Location:
    """A local path (resolved), or a `scheme://...` URL in an object store."""
    text = str(text)
    if "://" not in text or text.startswith("file://"):
        return Path(text.removeprefix("file://")).resolve()
    import fsspec  # imported only where an object store is used

    scheme = text.split("://", 1)[0]
    fs, path = fsspec.core.url_to_fs(text, **_options(scheme))
    return StorePath(scheme, path.rstrip("/"), fs)


def _options(scheme: str) -> dict:
    """s3fs: no listing cache (another worker's new objects must show at once); an endpoint
    (SeaweedFS, MinIO) from the environment as the AWS CLI reads it; everything else, the
    credentials included, from botocore's own chain."""
    if scheme not in ("s3", "s3a"):
        return {}
    options: dict = {"use_listings_cache": False}
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        options["endpoint_url"] = endpoint
    return options


def is_remote(path: Location) -> bool:
    return isinstance(path, StorePath)


def make_dir(path: Location) -> None:
    """Locally an owner-only directory; an object store has no directories to make."""
    if not is_remote(path):
        private_dir(path)


def write_bytes(path: Location, data: bytes) -> None:
    """A small file, whole or not at all: a renamed temporary file, or one PUT."""
    if is_remote(path):
        path.fs.pipe_file(path.path, data)
    else:
        write_atomically(path, data)


def read_many(paths: list[Location]) -> dict[str, bytes]:
    """Several small files by name (an object store fetches them concurrently)."""
    remote = [p for p in paths if is_remote(p)]
    found = {p.name: p.read_bytes() for p in paths if not is_remote(p)}
    if remote:
        fetched = remote[0].fs.cat([p.path for p in remote])
        found.update({p.rsplit("/", 1)[-1]: data for p, data in fetched.items()})
    return found


def prepare_write(path: Location) -> None:
    """Before an `atomic_writer`: the directory in place, and the temporary files of this
    file's writers that were killed removed (an object store keeps none under a name)."""
    if not is_remote(path):
        private_dir(path.parent)
        _remove_leftovers(path)


@contextlib.contextmanager
def atomic_writer(path: Location) -> Iterator[IO[bytes]]:
    """A binary stream whose bytes appear under `path` only once the block ends without an
    exception; an exception (or a killed process) leaves nothing there."""
    writer = _remote_writer if is_remote(path) else _local_writer
    with writer(path) as out:
        yield out


@contextlib.contextmanager
def _local_writer(path: Path) -> Iterator[IO[bytes]]:
    # Beside the final file, so the rename is atomic; a dot and .tmp, so nothing mistakes it
    # for an export; the pid, so a later export can tell a dead writer's leftover.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _remote_writer(path: StorePath) -> Iterator[IO[bytes]]:
    # autocommit=False: even a small file goes up as a multipart upload that only commit()
    # completes; a failure aborts it. A killed process leaves an incomplete upload, which no
    # reader sees (a bucket lifecycle rule reclaims its parts).
    out = path.fs.open(path.path, "wb", block_size=BLOCK_BYTES, autocommit=False)
    try:
        yield out
        out.close()
        out.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            out.discard()
        out.closed = True  # close() would upload the rest: nothing more may leave
        raise


def sha256(path: Location, chunk: int = 1 << 20) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(chunk):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _remove_leftovers(path: Path) -> None:
    """Temporary files of this file left by a writer whose process was killed."""
    for leftover in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        pid = leftover.name[len(path.name) + 2 : -len(".tmp")]
        if pid.isdigit() and not process_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process of this host still runs (signal 0 checks without signalling)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as another user
    return True


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable: after a crash the file is there under its final name,
    whole, or not at all."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
