"""Every error of the API as one JSON shape: ``{"code", "message", "errors", "problems"}``.

``code`` is stable (clients branch on it, never on the message); ``message`` is in the
caller's language (``Accept-Language``: Simplified Chinese by default, English on request).
The HTTP status follows the code:

====  ==============================================================================
400   a domain rule refused the request (``invalid``, ``task.wrong_state`` …) or the
      body is not JSON (``bad_request``)
401   no token where one is needed, or an unknown or revoked token (``unauthorized``)
403   the data-scope policy refused the action (``not_allowed``)
404   no such record, or one outside the caller's data scope (``not_found``)
409   a uniqueness rule the database keeps (``conflict``), e.g. a plan name used twice
422   the request does not match the OpenAPI schema (``validation_error``, per field)
====  ==============================================================================

A 500 (``server_error``) means a bug: the schema and the services refuse every bad input
with a 4xx first, which the schemathesis run in the test suite checks.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from shuangsuiji.credit.errors import CreditError
from shuangsuiji.directory.tabular.problems import ImportRejected, UnreadableFile
from shuangsuiji.errors import DomainError, ErrorCode
from shuangsuiji.plans.services import PlanLocked
from shuangsuiji.tasks.services.errors import (
    DrawAlreadyMade,
    MatchingInfeasibleError,
    TaskErrorCode,
    TaskStateError,
)

from .language import activate_caller_language

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)


class ApiErrorCode(StrEnum):
    """The codes of the API.  Part of the public interface: add, never rename."""

    INVALID = ErrorCode.INVALID.value
    NOT_ALLOWED = ErrorCode.NOT_ALLOWED.value
    NOT_FOUND = ErrorCode.NOT_FOUND.value
    UNAUTHORIZED = "unauthorized"
    BAD_REQUEST = "bad_request"
    VALIDATION = "validation_error"
    CONFLICT = "conflict"
    TOO_MANY_REQUESTS = "too_many_requests"
    SERVER_ERROR = "server_error"
    PLAN_LOCKED = "plan.locked"
    TASK_WRONG_STATE = TaskErrorCode.WRONG_STATE.value
    DRAW_ALREADY_MADE = TaskErrorCode.DRAW_ALREADY_MADE.value
    MATCHING_INFEASIBLE = TaskErrorCode.MATCHING_INFEASIBLE.value
    IMPORT_REJECTED = "import.rejected"
    IMPORT_UNREADABLE = "import.unreadable"


STATUS_OF_CODE = {ErrorCode.NOT_ALLOWED: 403, ErrorCode.NOT_FOUND: 404, ErrorCode.INVALID: 400}

#: The error statuses every operation documents (the schemathesis conformance checks hold
#: the API to them).
ERROR_STATUSES = frozenset({400, 401, 403, 404, 409, 422})


class ApiNotFound(Http404):
    """Raised by the handlers for a record that does not exist or is out of scope: the
    two are never told apart, so the API reveals nothing about other departments."""


class TokenInvalid(AuthenticationError):
    """An ``Authorization`` header was sent, but with no active token in it."""


def _body(
    code: str,
    message: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    problems: list[dict[str, Any]] | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    return {
        "code": str(code),
        "message": message,
        "field": field,
        "errors": errors or [],
        "problems": problems or [],
    }


def _domain_code(exc: DomainError) -> str:
    """The most specific stable code of a domain error."""
    specific: list[tuple[type[DomainError], ApiErrorCode]] = [
        (PlanLocked, ApiErrorCode.PLAN_LOCKED),
        (TaskStateError, ApiErrorCode.TASK_WRONG_STATE),
        (DrawAlreadyMade, ApiErrorCode.DRAW_ALREADY_MADE),
        (MatchingInfeasibleError, ApiErrorCode.MATCHING_INFEASIBLE),
        (ImportRejected, ApiErrorCode.IMPORT_REJECTED),
        (UnreadableFile, ApiErrorCode.IMPORT_UNREADABLE),
    ]
    for cls, code in specific:
        if isinstance(exc, cls):
            return code.value
    return str(exc.code)


def import_problem_json(problem: Any) -> dict[str, Any]:
    return {
        "code": str(problem.code),
        "message": problem.message,
        "severity": str(problem.severity),
        "row": problem.row,
        "column": problem.column_header,
        "column_letter": problem.column_letter,
        "target": None,
    }


def domain_error_body(exc: DomainError) -> tuple[int, dict[str, Any]]:
    status = STATUS_OF_CODE.get(exc.code, 400)
    message = str(exc)
    problems: list[dict[str, Any]] = []
    field: str | None = None
    if isinstance(exc, MatchingInfeasibleError):
        english = (get_language() or "").startswith("en")
        problems = [
            {
                "code": p.code.value,
                "message": p.message_en if english else p.message_zh,
                "severity": "error",
                "row": None,
                "column": None,
                "column_letter": None,
                "target": p.target_id,
            }
            for p in exc.problems
        ]
        message = _("No matching of inspectors satisfies the constraints.")
    elif isinstance(exc, ImportRejected):
        problems = [import_problem_json(p) for p in exc.problems]
        errors = sum(1 for p in exc.problems if p.is_error)
        message = _("The file has %(n)d errors; nothing was written.") % {"n": errors}
    elif isinstance(exc, UnreadableFile):
        message = exc.localized
    if isinstance(exc, CreditError):
        field = exc.field
    elif isinstance(exc.details.get("field"), str):
        field = exc.details["field"]
    return status, _body(_domain_code(exc), message, problems=problems, field=field)


# --- request validation -------------------------------------------------------------------

# Field messages reuse Django's own wording where it has one (already translated in
# Django's catalogues); the rest are ours.
_PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_long": lambda ctx: _("At most %(n)s characters.") % {"n": ctx.get("max_length")},
    "string_too_short": lambda ctx: _("At least %(n)s characters.") % {"n": ctx.get("min_length")},
    "too_long": lambda ctx: _("At most %(n)s entries.") % {"n": ctx.get("max_length")},
    "too_short": lambda ctx: _("At least %(n)s entries.") % {"n": ctx.get("min_length")},
    "greater_than_equal": lambda ctx: (
        _("Ensure this value is greater than or equal to %(limit_value)s.")
        % {"limit_value": ctx.get("ge")}
    ),
    "less_than_equal": lambda ctx: (
        _("Ensure this value is less than or equal to %(limit_value)s.")
        % {"limit_value": ctx.get("le")}
    ),
    "literal_error": lambda ctx: _("Must be one of: %(values)s.") % {"values": ctx.get("expected")},
    "enum": lambda ctx: _("Must be one of: %(values)s.") % {"values": ctx.get("expected")},
    "string_pattern_mismatch": lambda ctx: _("Contains characters that are not allowed."),
    "string_unicode": lambda ctx: _("Contains characters that are not allowed."),
}
_TYPE_MESSAGES = {
    "int": lambda: _("Enter a whole number."),
    "date": lambda: _("Enter a valid date."),
    "list": lambda: _("Enter a list of values."),
}


def _field_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind](ctx))
    if kind == "value_error":
        # Our own validators raise ValueError with an already translated message.
        return str(ctx.get("error") or error.get("msg", ""))
    for prefix, message in _TYPE_MESSAGES.items():
        if kind.startswith(prefix):
            return str(message())
    return _("Enter a valid value.")


def validation_error_body(exc: NinjaValidationError) -> dict[str, Any]:
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc") or ())
        if loc[:2] == ["body", "body"]:
            # django-ninja puts the handler's parameter name in; the client sent no such key.
            del loc[1]
        errors.append(
            {
                "field": ".".join(str(part) for part in loc),
                "type": str(error.get("type", "invalid")),
                "message": _field_message(error),
            }
        )
    return _body(
        ApiErrorCode.VALIDATION,
        _("The request does not match the API description: see the fields."),
        errors=errors,
    )


# --- handlers -------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Replace django-ninja's default handlers (``{"detail": …}``) with ours."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        activate_caller_language(request)
        status, body = domain_error_body(exc)
        return respond(request, status, body)

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        activate_caller_language(request)
        return respond(request, 422, validation_error_body(exc))

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # A model's full_clean() inside a service: the model's own field rules.
        activate_caller_language(request)
        errors = [
            {"field": f"body.{name}", "type": "invalid", "message": str(message)}
            for name, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
            for message in messages
        ]
        return respond(
            request,
            400,
            _body(ApiErrorCode.INVALID, _("Some values are not valid."), errors=errors),
        )

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        activate_caller_language(request)
        return respond(
            request,
            404,
            _body(
                ApiErrorCode.NOT_FOUND,
                _("No such record, or it is outside your data scope."),
            ),
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        activate_caller_language(request)
        if isinstance(exc, AuthenticationError):
            message = (
                _("The API token is unknown or revoked.")
                if isinstance(exc, TokenInvalid)
                else _("This call needs an API token: send the header Authorization: Bearer …")
            )
            response = respond(request, 401, _body(ApiErrorCode.UNAUTHORIZED, message))
            response["WWW-Authenticate"] = 'Bearer realm="shuangsuiji"'
            return response
        if isinstance(exc, Throttled):
            return respond(
                request, 429, _body(ApiErrorCode.TOO_MANY_REQUESTS, _("Too many requests"))
            )
        if exc.status_code == 400:
            return respond(
                request,
                400,
                _body(ApiErrorCode.BAD_REQUEST, _("The request body must be a JSON object.")),
            )
        code = ApiErrorCode.NOT_ALLOWED if exc.status_code == 403 else ApiErrorCode.INVALID
        return respond(request, exc.status_code, _body(code, str(exc)))

    def on_unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A multipart body without its boundary, too many fields, a body over the size
        # limit: Django refuses to read it, and so do we, with a 400.
        activate_caller_language(request)
        return respond(
            request,
            400,
            _body(ApiErrorCode.BAD_REQUEST, _("The request body could not be read.")),
        )

    def on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # The database's own uniqueness rules (e.g. one plan name per department and year);
        # the service's transaction has rolled back, so nothing was written.
        activate_caller_language(request)
        logger.info("API write refused by a database constraint: %s", exc)
        return respond(
            request,
            409,
            _body(
                ApiErrorCode.CONFLICT,
                _("This conflicts with an existing record (for example a name already used)."),
            ),
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        activate_caller_language(request)
        return respond(
            request,
            500,
            _body(
                ApiErrorCode.SERVER_ERROR,
                _("Something went wrong on the server; the error was logged."),
            ),
        )

    api.add_exception_handler(DomainError, on_domain)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(DjangoValidationError, on_django_validation)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, on_not_found)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
    api.add_exception_handler(IntegrityError, on_integrity)  # type: ignore[arg-type]
    api.add_exception_handler(MultiPartParserError, on_unreadable)  # type: ignore[arg-type]
    api.add_exception_handler(SuspiciousOperation, on_unreadable)  # type: ignore[arg-type]
    api.add_exception_handler(UnreadablePostError, on_unreadable)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, on_unexpected)  # type: ignore[arg-type]
