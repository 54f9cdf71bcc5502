"""Token authentication: what a token is, how it is stored, and every way of not having one."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from shuangsuiji.api.models import ApiToken
from shuangsuiji.api.tokens import token_create, token_revoke
from shuangsuiji.audit.models import AuditEvent
from tests.api.conftest import ApiClient, api_as
from tests.conftest import County

pytestmark = pytest.mark.django_db


def _unauthorized(response: object) -> dict[str, object]:
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/json")  # type: ignore[index]
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "unauthorized" and body["message"]
    return body  # type: ignore[no-any-return]


def test_staff_data_needs_a_token(county: County) -> None:
    _unauthorized(ApiClient().get("/inspectors"))
    _unauthorized(ApiClient().post("/plans", {}))


def test_an_unknown_or_malformed_token_is_refused_even_where_none_is_needed(
    county: County,
) -> None:
    for header in ("Bearer ssj_notarealtoken", "Bearer ", "Basic c3lzYWRtaW46eA==", "ssj_x"):
        response = ApiClient().get("/items", authorization=header)
        _unauthorized(response)
    # Without any header the same list is the public's view.
    assert ApiClient().get("/items").status_code == 200


def test_a_revoked_token_stops_working_at_once(county: County) -> None:
    issued = token_create(user=county.users["dept_admin"], name="卫健委数据对接")
    client = ApiClient(issued.secret)
    assert client.get("/me").json()["username"] == "wj_admin"
    token_revoke(prefix=issued.token.prefix)
    _unauthorized(client.get("/me"))


def test_a_deactivated_account_s_token_is_refused(county: County) -> None:
    user = county.users["inspector"]
    client = api_as(user)
    user.is_active = False
    user.save()
    _unauthorized(client.get("/me"))


def test_only_the_tokens_hash_is_stored_and_its_creation_is_audited(county: County) -> None:
    issued = token_create(user=county.users["lead_admin"], name="省平台对接")
    row = ApiToken.objects.get()
    assert issued.secret.startswith("ssj_") and len(issued.secret) > 40
    assert row.token_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in {row.token_hash, row.prefix, row.name}
    assert row.prefix == issued.secret[:12]
    event = AuditEvent.objects.get(action="api.token.create")
    assert issued.secret not in event.payload and row.prefix in event.payload
    assert row.last_used_at is None
    ApiClient(issued.secret).get("/me")
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_token_command_creates_lists_and_revokes(
    cli: Any, county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["token", "create", "wj_admin", "--name", "卫健委数据对接"]) == 0
    secret = capsys.readouterr().out.strip()
    assert ApiClient(secret).get("/me").status_code == 200
    assert cli(["token", "list", "wj_admin"]) == 0
    listing = capsys.readouterr().out
    assert secret[:12] in listing and secret not in listing
    assert cli(["token", "revoke", secret[:12]]) == 0
    _unauthorized(ApiClient(secret).get("/me"))
    assert AuditEvent.objects.filter(action="api.token.revoke").count() == 1
    assert cli(["token", "create", "nobody", "--name", "x"]) == 2
    assert cli(["token", "revoke", "ssj_nosuchpre"]) == 2
