"""Database preparation and the embedded server (waitress, a production WSGI server)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command


def prepare_database() -> None:
    """Create the database if the URL names one that does not exist yet, then migrate."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        from pathlib import Path

        name = str(db["NAME"])
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
    elif db["ENGINE"] == "django.db.backends.postgresql":
        _create_postgres_database(db)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _create_postgres_database(db: Any) -> None:
    import psycopg
    from psycopg import sql

    params: dict[str, Any] = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    try:
        psycopg.connect(dbname=db["NAME"], **params).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    print(f"已创建数据库 created database {db['NAME']}", file=sys.stderr)


def serve(*, port: int, host: str = "127.0.0.1") -> None:
    from waitress import serve as waitress_serve

    from shuangsuiji.wsgi import application

    print(
        f"Shuangsuiji 正在运行 running at http://{host}:{port}/  (Ctrl+C 停止 to stop)", flush=True
    )
    waitress_serve(application, host=host, port=port, threads=8, ident="shuangsuiji")
