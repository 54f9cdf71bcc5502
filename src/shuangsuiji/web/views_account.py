"""Logging in, the account page, password change and the optional second factor (TOTP).

- Login: user name and password, and — for an account with a confirmed authenticator app —
  the six-digit code (django-otp).  Repeated failures lock the user name from that address
  for a while (django-axes).
- Two-factor: any user may enrol an authenticator app (TOTP, RFC 6238) by scanning a QR code
  and confirming one code; system administrators can be made to (``SHUANGSUIJI_ADMIN_OTP``).
- Every change to how an account signs in is on the audit chain.
"""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuangsuiji.audit import chain

from .views_plans import actor


class LoginForm(OTPAuthenticationFormMixin, AuthenticationForm):
    """Password, plus the authenticator code for accounts that enrolled one."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        required=False,
        label=gettext_lazy("Authenticator code (if two-factor sign-in is on)"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def _chosen_device(self, user: Any) -> Any:
        # One authenticator per account here: the form need not ask which.
        return super()._chosen_device(user) or _confirmed_device(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return data


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        device = getattr(form.get_user(), "otp_device", None)
        if device is not None:
            # Mark the session as verified by the second factor.
            otp_login(self.request, device)
        return response


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a user name is locked after repeated failures."""
    return render(request, "web/locked_out.html", status=429)


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    return render(
        request,
        "web/account.html",
        {"device": _confirmed_device(user), "verified": user.is_verified()},  # type: ignore[attr-defined]
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator secret as a QR code; the first correct code confirms it."""
    user = actor(request)
    if _confirmed_device(user) is not None:
        return redirect("web:account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                chain.record(actor=user, action="account.otp.enable", obj=user, payload={})
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("web:account")
        form.add_error("token", _("That code is not right; check the phone's clock and try again."))
    return render(
        request,
        "web/otp_enrol.html",
        {"form": form, "qr": _qr_svg(device), "secret": _base32(device)},
    )


def _base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
@require_POST
def otp_disable(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    device = _confirmed_device(user)
    form = TokenForm(request.POST)
    if device is None:
        return redirect("web:account")
    if not form.is_valid() or not device.verify_token(form.cleaned_data["token"].strip()):
        messages.error(
            request, _("Give a current code from the app to turn two-factor sign-in off.")
        )
        return redirect("web:account")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        chain.record(actor=user, action="account.otp.disable", obj=user, payload={})
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("web:account")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            chain.record(actor=user, action="account.password.change", obj=user, payload={})
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password was changed."))
        return redirect("web:account")
    return render(
        request,
        "web/password_change.html",
        {"form": form, "password_help": password_validators_help_texts()},
    )
