"""Publishing item lists and rules as versions; what the public sees."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory import publishing, services
from shuangsuiji.directory.models import DepartmentRules, ItemListVersion
from tests.conftest import PASSWORD, County


def login(county: County, role: str) -> Client:
    c = Client()
    assert c.login(username=county.users[role].username, password=PASSWORD)
    return c


@pytest.mark.django_db
def test_public_sees_the_published_snapshot_not_later_edits(county: County) -> None:
    admin = login(county, "dept_admin")
    response = admin.post(reverse("web:item_list_publish", args=[county.health.pk]))
    assert response.status_code == 302
    v1 = ItemListVersion.objects.get(department=county.health)
    assert v1.version == 1 and [i["code"] for i in v1.items] == ["WJ-001"]
    assert len(v1.digest) == 64
    item = county.items["health"]
    services.item_update(
        item=item,
        actor=county.users["dept_admin"],
        data={"name": "公共场所卫生许可及从业人员健康检查"},
    )
    public = Client().get(reverse("web:public_department", args=[county.health.pk]))
    body = public.content.decode()
    assert "公共场所卫生监督检查" in body and "从业人员健康检查" not in body
    publishing.item_list_publish(department=county.health, actor=county.users["dept_admin"])
    body = Client().get(reverse("web:public_department", args=[county.health.pk])).content.decode()
    assert "从业人员健康检查" in body
    old = Client().get(reverse("web:public_department", args=[county.health.pk]) + "?version=1")
    assert "公共场所卫生监督检查" in old.content.decode()
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == [
        "item_list.publish",
        "item.update",
        "item_list.publish",
    ]
    assert verify_chain().ok


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "inspector", "lead_admin"])
def test_other_roles_cannot_publish_the_health_commissions_list(county: County, role: str) -> None:
    response = login(county, role).post(reverse("web:item_list_publish", args=[county.health.pk]))
    assert response.status_code == 404
    assert not ItemListVersion.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_empty_list_cannot_be_published(county: County) -> None:
    item = county.items["env"]
    item.active = False
    item.save()
    admin = login(county, "sysadmin")
    response = admin.post(reverse("web:item_list_publish", args=[county.env.pk]), follow=True)
    assert not ItemListVersion.objects.exists()
    assert response.status_code == 200


@pytest.mark.django_db
def test_rules_draft_publish_and_next_version(county: County) -> None:
    admin = login(county, "dept_admin")
    url = reverse("web:rules_edit", args=[county.health.pk])
    form = {
        "title": "新县卫健委双随机抽查实施细则",
        "principles": "公平、公正、公开",
        "tasks": "公共场所卫生",
        "methods": "随机抽取，随机选派",
        "publication": "20个工作日内公示",
        "assessment": "纳入年度考核",
    }
    assert admin.post(url, form).status_code == 302
    draft = DepartmentRules.objects.get()
    public_url = reverse("web:public_department", args=[county.health.pk])
    assert "公平、公正、公开" not in Client().get(public_url).content.decode()
    assert admin.post(reverse("web:rules_publish", args=[draft.pk])).status_code == 302
    assert "公平、公正、公开" in Client().get(public_url).content.decode()
    form["principles"] = "双随机、一公开，无事不扰"
    admin.post(url, form)
    assert list(DepartmentRules.objects.order_by("version").values_list("version", flat=True)) == [
        1,
        2,
    ]
    published = DepartmentRules.objects.get(version=1)
    assert published.principles == "公平、公正、公开"  # a published version never changes
    assert "公平、公正、公开" in Client().get(public_url).content.decode()


@pytest.mark.django_db
def test_rules_without_title_are_refused_and_nothing_saved(county: County) -> None:
    admin = login(county, "dept_admin")
    response = admin.post(reverse("web:rules_edit", args=[county.health.pk]), {"title": ""})
    assert response.status_code == 200
    assert not DepartmentRules.objects.exists()


@pytest.mark.django_db
def test_another_departments_admin_cannot_open_or_publish_rules(county: County) -> None:
    rules = publishing.rules_save(
        department=county.env,
        actor=county.users["sysadmin"],
        data={"title": "生态环境执法抽查规则"},
    )
    admin = login(county, "dept_admin")
    assert admin.get(reverse("web:rules_edit", args=[county.env.pk])).status_code == 404
    assert admin.post(reverse("web:rules_publish", args=[rules.pk])).status_code == 404
    rules.refresh_from_db()
    assert rules.published_at is None
