"""postgres.reused: a connection is kept for the next table only when its work left the
session clean, and one the server dropped meanwhile is replaced, against the real server."""

from __future__ import annotations

import os

import psycopg
import pytest

from converge_assets.engine import postgres as pq

URL = os.environ.get("CONVERGE_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432"
SERVER = pq.PostgresServer(URL)


def _backend(conn: psycopg.Connection) -> int:
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    conn.rollback()
    return pid


def test_a_clean_connection_is_reused_a_failed_one_is_not():
    with pq.reused(SERVER, "postgres") as conn:
        first = _backend(conn)
    with pq.reused(SERVER, "postgres") as conn:
        assert _backend(conn) == first  # the same backend: no new connection
    with pytest.raises(psycopg.errors.DivisionByZero), pq.reused(SERVER, "postgres") as conn:
        conn.execute("SELECT 1 / 0")
    assert conn.closed
    with pq.reused(SERVER, "postgres") as conn:
        assert _backend(conn) != first
        conn.execute("SELECT 1")  # left inside a transaction: not kept
    assert conn.closed


def test_a_connection_the_server_ended_is_replaced():
    with pq.reused(SERVER, "postgres") as conn:
        gone = _backend(conn)
    with SERVER.connect("postgres") as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (gone,))
        admin.commit()
    with pq.reused(SERVER, "postgres") as conn:
        assert _backend(conn) != gone
