"""Signing in: lockout after repeated failures, password rules, sessions that end, the
optional second factor, and the admin behind it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuangsuiji.audit.models import AuditEvent
from tests.conftest import PASSWORD, County

pytestmark = pytest.mark.django_db


def _login(c: Client, username: str, password: str, token: str = "") -> int:
    r = c.post(
        reverse("web:login"), {"username": username, "password": password, "otp_token": token}
    )
    return r.status_code


def test_repeated_failures_lock_the_user_name_from_that_address(county: County, settings) -> None:
    settings.AXES_ENABLED = True
    user = county.users["dept_admin"].username
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    codes = [_login(attacker, user, "wrong-password-1") for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    # Locked: even the right password is refused from that address…
    assert _login(attacker, user, PASSWORD) == 429
    # …while the owner at the office signs in.
    office = Client(REMOTE_ADDR="198.51.100.20")
    assert _login(office, user, PASSWORD) == 302


def test_password_rules_and_the_change_is_audited(county: County) -> None:
    user = county.users["inspector"]
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    url = reverse("web:password_change")
    for weak in ("short1A!", "alllowercaseletters", "1234567890123"):
        r = c.post(url, {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
        assert r.status_code == 200, weak
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    strong = "Xinxian-Zhang-2027"
    r = c.post(url, {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)
    assert AuditEvent.objects.filter(action="account.password.change").count() == 1


def test_sessions_end_when_idle_or_when_the_browser_closes(county: County, settings) -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 3600
    c = Client()
    assert _login(c, county.users["dept_admin"].username, PASSWORD) == 302
    cookie = c.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie


def test_two_factor_enrolment_then_the_code_is_needed(county: County) -> None:
    user = county.users["sysadmin"]
    c = Client()
    assert _login(c, user.username, PASSWORD) == 302
    assert c.get(reverse("web:otp_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert c.post(reverse("web:otp_enrol"), {"token": "000000"}).status_code == 200
    # A wrong code slows further tries (django-otp's throttling); a person waits a second.
    device.refresh_from_db()
    device.throttle_reset()
    code = f"{totp(device.bin_key):06d}"
    assert c.post(reverse("web:otp_enrol"), {"token": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="account.otp.enable").exists()
    # Signing in again: the password alone is not enough.
    fresh = Client()
    assert _login(fresh, user.username, PASSWORD) == 200
    assert reverse("web:home") == "/"
    assert fresh.get("/").status_code == 302  # still signed out
    device.refresh_from_db()
    # A code may be used once; use the next time step's if this one was spent.
    device.last_t = -1
    device.save()
    assert _login(fresh, user.username, PASSWORD, f"{totp(device.bin_key):06d}") == 302


def test_admins_must_verify_when_the_deployment_requires_it(county: County, settings) -> None:
    settings.SHUANGSUIJI_ADMIN_OTP = True
    c = Client()
    assert _login(c, county.users["sysadmin"].username, PASSWORD) == 302
    r = c.get(reverse("admin:index"))
    assert r.status_code == 302 and reverse("web:login") in r["Location"]
    settings.SHUANGSUIJI_ADMIN_OTP = False
    assert c.get(reverse("admin:index")).status_code == 200


def test_pages_carry_a_content_security_policy(county: County) -> None:
    r = Client().get(reverse("web:public_home"))
    policy = r["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
