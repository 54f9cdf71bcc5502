"""The data-scope policy itself: unions across roles, tree scope, inactive users."""

from __future__ import annotations

import pytest

from shuangsuiji.directory.models import InspectionItem, Inspector
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, Role, RoleAssignment
from shuangsuiji.organizations.policy import Action
from tests.conftest import County


def codes(qs: object) -> set[str]:
    return set(qs.values_list("code", flat=True))  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_scopes_of_several_roles_are_unioned(county: County) -> None:
    user = county.users["dept_admin"]  # 卫健委 admin
    RoleAssignment.objects.create(user=user, role=Role.DEPARTMENT_ADMIN, department=county.env)
    user = type(user).objects.get(pk=user.pk)  # fresh object: no cached roles
    visible = codes(policy.instances_user_has_permission_for(user, Action.VIEW, InspectionItem))
    assert visible == {"WJ-001", "HB-001"}


@pytest.mark.django_db
def test_department_and_below_follows_the_tree_not_name_prefixes(county: County) -> None:
    # A department whose code merely starts like the lead's must stay outside its scope.
    lookalike = Department(region=county.region, code="SJX", name="新县数据局", short_name="新数")
    lookalike.path = lookalike.compute_path()
    lookalike.save()
    InspectionItem.objects.create(
        department=lookalike,
        code="SJX-001",
        name="政务数据共享检查",
        legal_basis="《数据安全法》",
        inspecting_body=lookalike.name,
        method="书面检查",
    )
    lead_admin = county.users["lead_admin"]
    visible = codes(
        policy.instances_user_has_permission_for(lead_admin, Action.VIEW, InspectionItem)
    )
    assert visible == {"SJ-001", "SJXJ-001"}


@pytest.mark.django_db
def test_deactivated_user_loses_every_scope(county: County) -> None:
    user = county.users["supervisor"]
    user.is_active = False
    user.save()
    fresh = type(user).objects.get(pk=user.pk)
    assert not policy.instances_user_has_permission_for(fresh, Action.VIEW, InspectionItem).exists()
    assert not policy.user_has_permission(fresh, Action.VIEW, Inspector)


@pytest.mark.django_db
def test_supervisor_may_view_but_never_change_anything(county: County) -> None:
    sup = county.users["supervisor"]
    for model in (InspectionItem, Inspector):
        assert policy.user_has_permission(sup, Action.VIEW, model)
        for action in (Action.ADD, Action.CHANGE, Action.DELETE):
            assert not policy.user_has_permission(sup, action, model)


@pytest.mark.django_db
def test_role_assignment_must_match_its_department_rule(county: County) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=county.users["inspector"], role=Role.DEPARTMENT_ADMIN, department=None
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=county.users["inspector"], role=Role.COUNTY_SUPERVISOR, department=county.health
        )


def test_every_model_asked_about_must_be_registered() -> None:
    from shuangsuiji.audit.models import AuditHead

    with pytest.raises(LookupError):
        policy.spec_for(AuditHead)


@pytest.mark.django_db
def test_lead_department_keeps_the_market_entity_register(county: County) -> None:
    from shuangsuiji.directory.models import Target
    from shuangsuiji.organizations.models import Region

    lead, dept = county.users["lead_admin"], county.users["dept_admin"]
    assert policy.user_has_permission(lead, Action.CHANGE, Target)
    assert policy.user_has_permission(lead, Action.ADD, Target)
    assert not policy.user_has_permission(dept, Action.CHANGE, Target)
    # Other reference data stays with the system administrators.
    assert not policy.user_has_permission(lead, Action.CHANGE, Region)
