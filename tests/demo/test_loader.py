"""Loading the demo county into the database (both SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.test import Client

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.demo import county as gen
from shuangsuiji.demo.loader import DEMO_PASSWORD, ensure_demo_loaded
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.directory.uscc import validate_uscc
from shuangsuiji.organizations.models import Department, Region, Role, User
from shuangsuiji.tasks.models import Task


@pytest.mark.django_db(transaction=True)
def test_demo_county_loads_once_with_every_role_and_valid_data() -> None:
    assert ensure_demo_loaded(size=2_000, seed=7) is True
    assert ensure_demo_loaded(size=2_000, seed=7) is False  # second run: already there
    assert Target.objects.count() == 2_000
    assert Department.objects.count() >= 12
    assert Department.objects.filter(is_lead=True).get().name == "新县市场监督管理局"
    assert Inspector.objects.count() >= 150
    assert InspectionItem.objects.filter(is_published=True).count() >= 12 * 3
    townships = set(Region.objects.filter(parent__code="411523").values_list("name", flat=True))
    assert {"香山湖管理区", "金兰山街道"} <= townships
    for t in Target.objects.order_by("?")[:200]:
        assert validate_uscc(t.credit_code) == []
        assert t.credit_code[2:8] == "411523"
        assert t.township_id is not None and t.township is not None
        assert t.township.name in t.address
    roles = {p.role for p in gen.DEMO_PEOPLE}
    assert roles == {r.value for r in Role}
    for person in gen.DEMO_PEOPLE:
        user = User.objects.get(username=person.username)
        assert user.role_assignments.get().role == person.role
        if person.role == Role.INSPECTOR:
            assert Inspector.objects.filter(user=user, name=person.name).exists()
    # The reference data and the entities, then the year of activity (see test_activity).
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[:2] == ["demo.reference", "demo.load"]
    assert actions[-1] == "demo.activity" and Task.objects.exists()
    report = verify_chain()
    assert report.ok and report.rows == len(actions)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("username", "home"),
    [
        (
            p.username,
            {
                "county_supervisor": "/oversight/",
                "lead_admin": "/workspace/",
                "department_admin": "/workspace/",
                "inspector": "/my/",
                "system_admin": "/admin/",
            }[p.role],
        )
        for p in gen.DEMO_PEOPLE
    ],
)
def test_every_demo_login_lands_on_its_role_home(username: str, home: str) -> None:
    ensure_demo_loaded(size=200, seed=7)
    c = Client()
    response = c.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    landed = c.get("/", follow=True)
    assert landed.status_code == 200
    assert landed.redirect_chain[-1][0] == home


@pytest.mark.postgres
@pytest.mark.django_db
def test_large_loads_rebuild_the_gin_indexes_they_drop() -> None:
    from django.db import connection, transaction

    from shuangsuiji.demo.loader import _gin_indexes_suspended

    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes exist on PostgreSQL only")

    def gin_indexes() -> list[tuple[str, str]]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'directory_target'"
                " AND indexdef LIKE '% USING gin %' ORDER BY indexname"
            )
            return cur.fetchall()

    before = gin_indexes()
    assert before, "the search migration should have created a GIN index"
    with transaction.atomic(), _gin_indexes_suspended(large=True):
        assert gin_indexes() == []
    assert gin_indexes() == before
