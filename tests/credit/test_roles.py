"""Every role against the credit records: who sees, who adds to a list, who removes, who
imports the classification, who reads it.  The table is written out by hand from the
issue, not derived from the policy, so a policy change that breaks it fails here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from shuangsuiji.credit import selectors
from shuangsuiji.credit import services as svc
from shuangsuiji.credit.models import RiskClassification
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action
from tests.credit.conftest import Register

ROLES = ["anonymous", "supervisor", "lead_admin", "dept_admin", "inspector", "sysadmin"]
# The abnormal-operation list has no deciding department set: the lead department enters.
ADDS_TO_ABNORMAL = {"lead_admin", "sysadmin"}
# After the health department is made the tax list's deciding department.
ADDS_TO_TAX = {"lead_admin", "dept_admin", "sysadmin"}
IMPORTS_CLASSES = {"lead_admin", "sysadmin"}
READS_CLASSES = {"supervisor", "lead_admin", "dept_admin", "inspector", "sysadmin"}


def who(r: Register, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else r.county.users[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(register: Register, role: str) -> None:
    user = who(register, role)
    entry = svc.list_entry_add(
        actor=register.county.users["lead_admin"],
        credit_list=register.lst("abnormal"),
        credit_code=register.targets[0].credit_code,
        reason="未按规定期限公示年度报告",
        authority="新县市场监督管理局",
        document_no="新市监异列〔2026〕1号",
        start_date=dt.date(2026, 7, 1),
    )
    tax = register.lst("major_tax")
    tax.department = register.county.health
    tax.save()
    # Lists and entries are public: everyone reads them.
    assert list(selectors.list_entries(user=user, state="all")) == [entry]
    assert (svc.deciding_department(user, register.lst("abnormal")) is not None) == (
        role in ADDS_TO_ABNORMAL
    )
    assert (svc.deciding_department(user, tax) is not None) == (role in ADDS_TO_TAX)
    assert svc.may_remove(user, entry) == (role in ADDS_TO_ABNORMAL)
    assert svc.may_import_classes(user) == (role in IMPORTS_CLASSES)
    assert policy.user_has_permission(user, Action.VIEW, RiskClassification) == (
        role in READS_CLASSES
    )
