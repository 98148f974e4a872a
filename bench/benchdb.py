"""The throw-away PostgreSQL database every benchmark runs in (created on DATABASE_URL's server)."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager


@contextmanager
def throwaway_database(server_url: str | None = None):
    """Create a database on the server, yield its SQLAlchemy URL, drop it afterwards (even on failure)."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = server_url or os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    base = make_url(server.replace("postgres://", "postgresql://", 1))
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"caseapp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
