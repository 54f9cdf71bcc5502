"""Every role against records of its own and of other departments, through every entry
point: pages, the admin, the services and the list selectors.

The expected table is written out here by hand from the policy in the issue (not derived
from ROLE_SCOPES), so a change to the policy that breaks the rule fails these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory import publishing, selectors, services
from shuangsuiji.directory.models import InspectionItem, ItemListVersion
from shuangsuiji.errors import NotAllowed
from tests.conftest import PASSWORD, County

ROLES = ["anonymous", "supervisor", "lead_admin", "dept_admin", "inspector", "sysadmin"]
ITEMS = ["lead", "station", "health", "env"]
INSPECTORS = ["own", "health_other", "env", "lead"]

# Items: the lead admin's scope is 市场监督管理局 and the station under it; the department
# admin's is 卫生健康委员会; the supervisor sees all and changes nothing; an inspector owns
# no item; the public sees only published items (none here).
ITEM_VIEW = {
    "anonymous": set(),
    "supervisor": set(ITEMS),
    "lead_admin": {"lead", "station"},
    "dept_admin": {"health"},
    "inspector": set(),
    "sysadmin": set(ITEMS),
}
ITEM_CHANGE = {
    "anonymous": set(),
    "supervisor": set(),
    "lead_admin": {"lead", "station"},
    "dept_admin": {"health"},
    "inspector": set(),
    "sysadmin": set(ITEMS),
}
INSPECTOR_VIEW = {
    "anonymous": set(),
    "supervisor": set(INSPECTORS),
    "lead_admin": {"lead"},
    "dept_admin": {"own", "health_other"},
    "inspector": {"own"},
    "sysadmin": set(INSPECTORS),
}


def client_for(county: County, role: str) -> Client:
    c = Client()
    if role != "anonymous":
        assert c.login(username=county.users[role].username, password=PASSWORD)
    return c


def actor(county: County, role: str) -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if role == "anonymous" else county.users[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_item_list_selector_returns_exactly_the_roles_scope(county: County, role: str) -> None:
    visible = set(selectors.item_list(user=actor(county, role)).values_list("code", flat=True))
    assert visible == {county.items[k].code for k in ITEM_VIEW[role]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("item_key", ITEMS)
def test_item_detail_page_shows_only_records_in_scope(
    county: County, role: str, item_key: str
) -> None:
    item = county.items[item_key]
    response = client_for(county, role).get(reverse("web:item_detail", args=[item.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif item_key in ITEM_VIEW[role]:
        assert response.status_code == 200
        assert item.name in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("item_key", ITEMS)
def test_item_edit_page_changes_only_records_in_scope(
    county: County, role: str, item_key: str
) -> None:
    item = county.items[item_key]
    c = client_for(county, role)
    url = reverse("web:item_edit", args=[item.pk])
    events_before = AuditEvent.objects.count()
    form = {
        "name": item.name + "（修订）",
        "legal_basis": item.legal_basis,
        "inspecting_body": item.inspecting_body,
        "content": item.content,
        "method": item.method,
        "target_kind": item.target_kind,
        "is_key": "on",
        "active": "on",
    }
    get = c.get(url)
    post = c.post(url, form)
    item.refresh_from_db()
    if item_key in ITEM_CHANGE[role]:
        assert get.status_code == 200
        assert post.status_code == 302
        assert item.name.endswith("（修订）") and item.is_key
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None and event.action == "item.update"
        assert event.actor_label == county.users[role].username
    else:
        assert item.name.endswith("（修订）") is False and item.is_key is False
        assert AuditEvent.objects.count() == events_before
        if role == "anonymous":
            assert post.status_code == 302 and "/login/" in post["Location"]
        elif item_key in ITEM_VIEW[role]:
            assert get.status_code == 403 and post.status_code == 403
        else:
            assert get.status_code == 404 and post.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("item_key", ITEMS)
def test_publishing_a_list_is_allowed_exactly_where_changing_its_items_is(
    county: County, role: str, item_key: str
) -> None:
    item = county.items[item_key]
    client_for(county, role).post(reverse("web:item_list_publish", args=[item.department_id]))
    published = ItemListVersion.objects.filter(department_id=item.department_id).exists()
    assert published == (item_key in ITEM_CHANGE[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("item_key", ITEMS)
def test_item_service_refuses_out_of_scope_changes_and_writes_nothing(
    county: County, role: str, item_key: str
) -> None:
    item = county.items[item_key]
    user = county.users[role]
    if item_key in ITEM_CHANGE[role]:
        services.item_update(item=item, actor=user, data={"content": "检查许可证是否在有效期内"})
        assert InspectionItem.objects.get(pk=item.pk).content == "检查许可证是否在有效期内"
    else:
        with pytest.raises(NotAllowed):
            services.item_update(item=item, actor=user, data={"content": "篡改"})
        assert InspectionItem.objects.get(pk=item.pk).content != "篡改"
        assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", INSPECTORS)
def test_inspector_records_visible_exactly_in_scope(county: County, role: str, key: str) -> None:
    inspector = county.inspectors[key]
    c = client_for(county, role)
    detail = c.get(reverse("web:inspector_detail", args=[inspector.pk]))
    listing = c.get(reverse("web:inspector_list"))
    if role == "anonymous":
        assert detail.status_code == 302 and listing.status_code == 302
        return
    if key in INSPECTOR_VIEW[role]:
        assert detail.status_code == 200
        assert inspector.certificate_no in listing.content.decode()
    else:
        assert detail.status_code == 404
        assert inspector.certificate_no not in listing.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_system_administrators_only(county: County, role: str) -> None:
    c = client_for(county, role)
    item = county.items["health"]
    pages = [
        reverse("admin:index"),
        reverse("admin:directory_inspectionitem_changelist"),
        reverse("admin:directory_inspectionitem_change", args=[item.pk]),
        reverse("admin:directory_inspector_changelist"),
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:organizations_user_changelist"),
    ]
    for url in pages:
        response = c.get(url)
        if role == "sysadmin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert "login" in response["Location"]


@pytest.mark.django_db
def test_admin_change_by_system_admin_is_audited(county: County) -> None:
    c = client_for(county, "sysadmin")
    inspector = county.inspectors["env"]
    url = reverse("admin:directory_inspector_change", args=[inspector.pk])
    data = {
        "department": inspector.department_id,
        "name": inspector.name,
        "gender": inspector.gender,
        "position": inspector.position,
        "expertise": '["环保", "危险废物"]',
        "certificate_no": inspector.certificate_no,
        "certificate_valid_from": "2024-12-29",
        "certificate_valid_to": "2028-12-31",
        "phone": "",
        "status": "在岗",
    }
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inspector.refresh_from_db()
    assert inspector.certificate_valid_to.isoformat() == "2028-12-31"
    event = AuditEvent.objects.get()
    assert event.action == "admin.change" and event.object_id == str(inspector.pk)


@pytest.mark.django_db
def test_audit_events_are_never_editable_even_by_system_admins(county: County) -> None:
    services.item_update(
        item=county.items["health"],
        actor=county.users["dept_admin"],
        data={"content": "检查从业人员健康证明"},
    )
    event = AuditEvent.objects.get()
    c = client_for(county, "sysadmin")
    response = c.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


ROLE_PAGES = {
    "web:oversight": {"supervisor", "sysadmin"},
    "web:workspace": {"lead_admin", "dept_admin"},
    "web:my": {"inspector"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(ROLE_PAGES))
def test_role_home_pages_open_only_for_their_roles(county: County, role: str, page: str) -> None:
    response = client_for(county, role).get(reverse(page))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ROLE_PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_audit_log_shows_each_role_only_its_scope(county: County, role: str) -> None:
    services.item_update(
        item=county.items["health"],
        actor=county.users["dept_admin"],
        data={"content": "卫健委的修改"},
    )
    services.item_update(
        item=county.items["env"], actor=county.users["sysadmin"], data={"content": "环保局的修改"}
    )
    page = client_for(county, role).get(reverse("web:audit_list"))
    expected = {
        "anonymous": None,
        "supervisor": {"wj_admin", "sysadmin"},
        "lead_admin": set(),
        "dept_admin": {"wj_admin"},
        "inspector": set(),
        "sysadmin": {"wj_admin", "sysadmin"},
    }[role]
    if expected is None:
        assert page.status_code == 302
        return
    if role in {"lead_admin", "inspector"}:
        # They may open the log, but none of these events is in their scope.
        assert page.status_code == 200
    body = page.content.decode()
    for who in {"wj_admin", "sysadmin"}:
        assert (f"<td>{who}</td>" in body) == (who in expected), who


@pytest.mark.django_db
def test_public_sees_published_items_only(county: County) -> None:
    publishing.item_list_publish(department=county.env, actor=county.users["sysadmin"])
    c = Client()
    env_page = c.get(reverse("web:public_department", args=[county.env.pk])).content.decode()
    health_page = c.get(reverse("web:public_department", args=[county.health.pk])).content.decode()
    assert county.items["env"].name in env_page
    assert county.items["health"].name not in health_page


@pytest.mark.django_db
def test_chinese_is_the_default_even_for_english_browsers(county: County) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-CN"' in c.get(reverse("web:login")).content.decode()
    c.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert 'lang="en"' in c.get(reverse("web:login")).content.decode()


@pytest.mark.django_db
def test_unknown_record_gets_a_chinese_not_found_page(county: County) -> None:
    response = client_for(county, "dept_admin").get(reverse("web:item_detail", args=[999999]))
    assert response.status_code == 404
    assert "超出您的数据范围" in response.content.decode()
