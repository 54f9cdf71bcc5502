"""The caller's language for API messages: ``Accept-Language`` (zh-hans unless it asks
for a supported other language).  The pages follow a cookie instead (``web.middleware``);
an integration has no cookie but states its language in every request."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def caller_language(request: HttpRequest) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, quality in parse_accept_lang_header(header):
        if code == "*" or quality <= 0:
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


def activate_caller_language(request: HttpRequest) -> str:
    language = caller_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
