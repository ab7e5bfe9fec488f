"""The MySQL and PostgreSQL servers as Dagster resources: configured in the UI by the name of
the environment variable holding each URL (`EnvVar`), never its value."""

from contextlib import AbstractContextManager

import psycopg
import pymysql
from dagster import ConfigurableResource

from .engine.mysql import MySQLServer
from .engine.postgres import PostgresServer


class MySQLResource(ConfigurableResource):
    """A MySQL/MariaDB server."""

    url: str

    def server(self) -> MySQLServer:
        return MySQLServer(self.url)

    def connect(
        self, database: str, *, streaming: bool = False
    ) -> AbstractContextManager[pymysql.Connection]:
        return self.server().connect(database, streaming=streaming)


class PostgresResource(ConfigurableResource):
    """A PostgreSQL server."""

    url: str

    def server(self) -> PostgresServer:
        return PostgresServer(self.url)

    def connect(self, database: str) -> AbstractContextManager[psycopg.Connection]:
        return self.server().connect(database)
