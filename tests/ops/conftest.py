"""Scratch databases and helpers for the operations tests.

A *scratch* database is a fresh one next to the test database: an SQLite file under the
test's tmp directory, or a PostgreSQL database ``ssj_ops_<random>`` on the test database's
server, dropped at the end.  Processes started by these tests (``shuangsuiji restore``,
``shuangsuiji import``, a draw, gunicorn) see it through ``DATABASE_URL``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pg_url(name: str) -> str:
    """A URL for database ``name`` on the server of the test database."""
    s = connection.settings_dict
    auth = quote(s.get("USER") or "postgres")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"


def pg_admin(statement: Any, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the server's maintenance database, outside any test transaction."""
    import psycopg

    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        cur = conn.execute(statement, params or None)
        return cur.fetchall() if cur.description else []


def pg_drop(name: str) -> None:
    from psycopg import sql

    pg_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        name,
    )
    pg_admin(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@dataclass
class Scratch:
    url: str
    vendor: str
    name: str  # PostgreSQL database name, or the SQLite file's path
    var_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "SHUANGSUIJI_")) and k != "DJANGO_SETTINGS_MODULE"
        }
        env.update(
            DATABASE_URL=self.url,
            DJANGO_SETTINGS_MODULE="shuangsuiji.settings.base",
            SHUANGSUIJI_VAR_DIR=str(self.var_dir),
            SHUANGSUIJI_SECRET_KEY="ops-test-secret-key-" + "x" * 40,
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def cursor_counts(self, *tables: str) -> dict[str, int]:
        """Row counts read directly, without Django (from outside the application)."""
        return {t: int(self.scalar(f'SELECT count(*) FROM "{t}"')) for t in tables}

    def scalar(self, query: str) -> Any:
        """The first value of a query read directly (no parameters: callers pass ints)."""
        return _scalar(self, query)


def _scalar(s: Scratch, query: str) -> Any:
    if s.vendor == "postgresql":
        import psycopg

        with psycopg.connect(s.url, autocommit=True) as conn:
            row = conn.execute(query).fetchone()
    else:
        import sqlite3

        conn2 = sqlite3.connect(s.name, timeout=30)
        try:
            row = conn2.execute(query).fetchone()
        finally:
            conn2.close()
    return row[0] if row else None


def new_scratch(
    vendor: str, tmp: Path, template: Scratch | None = None, create: bool = False
) -> Scratch:
    """A scratch database: a copy of ``template``, or (``create``) an empty one, or just a
    name nobody uses yet."""
    var_dir = template.var_dir if template is not None else tmp / "var"
    if vendor == "postgresql":
        from psycopg import sql

        name = f"ssj_ops_{uuid.uuid4().hex[:12]}"
        if template is not None:
            pg_admin(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template.name)
                )
            )
        elif create:
            pg_admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return Scratch(pg_url(name), vendor, name, var_dir)
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / f"ssj-{uuid.uuid4().hex[:8]}.sqlite3"
    if template is not None:
        shutil.copyfile(template.name, path)
    return Scratch(f"sqlite:///{path}", vendor, str(path), var_dir)


def drop_scratch(s: Scratch) -> None:
    if s.vendor == "postgresql":
        pg_drop(s.name)


def run(
    args: list[str], env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def shuangsuiji(*args: str) -> list[str]:
    return [str(VENV_BIN / "shuangsuiji"), *args]


def worker(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.ops.worker", *args]


def last_json(stdout: str) -> Any:
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Any]:
    """A factory of empty scratch databases of the test database's vendor, dropped after."""
    made: list[Scratch] = []

    def make(vendor: str | None = None, template: Scratch | None = None) -> Scratch:
        s = new_scratch(vendor or connection.vendor, tmp_path / "scratch", template)
        made.append(s)
        return s

    yield make
    for s in made:
        drop_scratch(s)


VENDORS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get("DATABASE_URL", "").startswith("postgres"),
            reason="needs PostgreSQL (DATABASE_URL)",
        ),
    ),
]

#: Market entities in the frozen county of the kill tests; 25 % of each class is drawn.
FAULT_ENTITIES = 50_000


@pytest.fixture(scope="session")
def frozen_templates(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[Scratch, int]]]:
    """Per vendor, built on first use: a migrated database with the demo county's reference
    data, FAULT_ENTITIES entities and a frozen task (id returned) — copied for each test."""
    built: dict[str, tuple[Scratch, int]] = {}

    class Lazy(dict[str, tuple[Scratch, int]]):
        def __missing__(self, vendor: str) -> tuple[Scratch, int]:
            tmp = tmp_path_factory.mktemp(f"frozen-{vendor}")
            s = new_scratch(vendor, tmp, create=True)
            out = run(worker("setup", "--entities", str(FAULT_ENTITIES), "--freeze"), s.env())
            assert out.returncode == 0, out.stderr[-3000:]
            built[vendor] = (s, int(last_json(out.stdout)["task"]))
            self[vendor] = built[vendor]
            return built[vendor]

    yield Lazy()
    for s, _task in built.values():
        drop_scratch(s)
