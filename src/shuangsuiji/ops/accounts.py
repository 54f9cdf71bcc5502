"""The first system administrator (系统管理员) of a fresh installation.

A Django superuser alone holds no role in the platform's permission policy; this creates
an account with the SYSTEM_ADMIN role assignment (county-wide) and staff status for the
admin site, checked against the configured password rules, with its audit row.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from shuangsuiji.audit import chain
from shuangsuiji.organizations.models import Role, RoleAssignment, User

from .common import OpsError


@transaction.atomic
def create_system_admin(*, username: str, password: str, display_name: str = "") -> User:
    username = username.strip()
    if not username:
        raise OpsError("用户名不能为空", "the user name must not be empty")
    if User.objects.filter(username=username).exists():
        raise OpsError(f"用户 {username} 已存在", f"user {username} already exists")
    user = User(username=username, display_name=display_name.strip(), is_staff=True)
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        problems = "；".join(str(m) for m in exc.messages)
        raise OpsError(f"密码不符合要求：{problems}", "the password was refused") from exc
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.SYSTEM_ADMIN, department=None)
    chain.record(
        actor=None,
        action="user.create_system_admin",
        obj=user,
        payload={"username": user.username, "role": str(Role.SYSTEM_ADMIN), "via": "cli"},
    )
    return user
