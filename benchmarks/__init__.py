"""Benchmark of converge against pgloader and a raw client pipeline: `python -m benchmarks.run`.

Servers come from the same environment variables as converge itself; a password in them is
passed to clients through their environment (MYSQL_PWD, PGPASSWORD) and never printed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

MYSQL_URL_ENV = "CONVERGE_MYSQL_URL"
POSTGRES_URL_ENV = "CONVERGE_POSTGRES_URL"
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432"


@dataclass(frozen=True)
class Server:
    """host/port/user/password of one server; `str()` never shows the password."""

    scheme: str
    host: str
    port: int
    user: str
    password: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, variable: str, default: str, default_port: int) -> Server:
        parts = urlsplit(os.environ.get(variable) or default)
        return cls(
            scheme=parts.scheme,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or default_port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )

    def __str__(self) -> str:
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}"


def mysql_server() -> Server:
    return Server.from_env(MYSQL_URL_ENV, DEFAULT_MYSQL_URL, 3306)


def postgres_server() -> Server:
    return Server.from_env(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL, 5432)


def client_env(mysql: Server, postgres: Server) -> dict[str, str]:
    """The environment for `mariadb`/`psql` children: passwords travel here, not in argv."""
    env = dict(os.environ)
    if mysql.password:
        env["MYSQL_PWD"] = mysql.password
    if postgres.password:
        env["PGPASSWORD"] = postgres.password
    return env


def redact(text: str) -> str:
    """Blank out the password of every URL in `text`."""
    return re.sub(r"(://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)
