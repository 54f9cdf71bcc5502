"""Fixtures of the API tests: tokens for the county's accounts and a client that sends one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shuangsuiji.api.tokens import token_create
from shuangsuiji.organizations.models import User
from tests.conftest import County
from tests.results.conftest import dispatched  # noqa: F401 - fixture re-export
from tests.tasks.conftest import scenario  # noqa: F401 - fixture re-export


class ApiClient:
    """Django's test client speaking JSON to /api/ with a bearer token (or none)."""

    def __init__(self, token: str | None = None, language: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if token:
            self.headers["authorization"] = f"Bearer {token}"
        if language:
            self.headers["accept-language"] = language

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/") else "/api" + path

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(self._url(path), params or {}, headers={**self.headers, **headers})

    def send(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        call = getattr(self.client, method.lower())
        return call(
            self._url(path),
            data=body if body is not None else {},
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.send("post", path, body, **headers)

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.send("put", path, body, **headers)

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.send("patch", path, body, **headers)


def token_of(user: User, name: str = "省平台对接") -> str:
    return token_create(user=user, name=name).secret


def api_as(user: User | None, language: str | None = None) -> ApiClient:
    return ApiClient(token_of(user) if user is not None else None, language)


@pytest.fixture
def api_for(county: County) -> Any:
    """``api_for("dept_admin")``: a client with a token of that county account."""

    def make(role: str, language: str | None = None) -> ApiClient:
        return api_as(county.users[role], language)

    return make


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``shuangsuiji …`` in-process.  Django is set up already; setting it up again would
    point the logging at pytest's capture stream, which is closed after the test."""
    import shuangsuiji.cli

    monkeypatch.setattr(shuangsuiji.cli, "_django_setup", lambda: None)
    return shuangsuiji.cli.main
