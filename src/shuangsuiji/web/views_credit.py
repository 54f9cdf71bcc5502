"""Credit pages (信用监管联动): the joint-punishment lists and their entries, adding and
removing entries, the abnormal-operation proposals inbox, an entity's list history, the
credit file imports, and the participation answer (联合惩戒查询) with its JSON call.

Public (no login): the lists, entries, an entity's list history and the participation
answer — other agencies ask it before a procurement, a tender, a land transfer or an
award, and a printed answer names every restriction with its legal basis.  Staff only:
adding and removing entries (the list's deciding department or the lead department),
the proposals inbox (the result's department; lead administrators), imports.
Thin views: parse with a form, call one credit service or selector, render.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shuangsuiji.credit import selectors
from shuangsuiji.credit import services as svc
from shuangsuiji.credit.errors import CreditError
from shuangsuiji.credit.lookup import target_by_code
from shuangsuiji.credit.models import (
    AbnormalProposal,
    Activity,
    CreditList,
    CreditListEntry,
    ProposalStatus,
    RiskClassification,
)
from shuangsuiji.directory.models import Target
from shuangsuiji.directory.tabular.problems import ImportRejected, UnreadableFile
from shuangsuiji.directory.uscc import normalize_uscc
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action

from .forms_credit import (
    CreditImportForm,
    EntryAddForm,
    EntryFilterForm,
    EntryRemoveForm,
    ParticipationForm,
    ProposalConfirmForm,
    ProposalRejectForm,
    show_error,
)
from .views_plans import actor, forbidden, not_found

PAGE_SIZE = 50


def _is_staff(request: HttpRequest) -> bool:
    return bool(policy.user_roles(request.user))


# --- lists and entries (public) ----------------------------------------------------------


def credit_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rules: dict[int, list[Any]] = {}
    for rule in selectors.effect_rules(user=request.user):
        rules.setdefault(rule.credit_list_id, []).append(rule)
    lists = [
        (lst, rules.get(lst.pk, [])) for lst in selectors.credit_lists(user=request.user, day=today)
    ]
    user = request.user
    pending = 0
    if _is_staff(request):
        pending = selectors.proposal_inbox(user=user).filter(status=ProposalStatus.PENDING).count()
    return render(
        request,
        "web/credit_home.html",
        {
            "lists": lists,
            "today": today,
            "pending": pending,
            "staff": _is_staff(request),
            "can_import": _import_kinds(request) != [],
        },
    )


def credit_list(request: HttpRequest, code: str) -> HttpResponse:
    credit_list = get_object_or_404(CreditList, code=code, active=True)
    form = EntryFilterForm(request.GET or None)
    q, state, day = "", selectors.EntryState.IN_FORCE, timezone.localdate()
    if form.is_valid():
        q = form.cleaned_data["q"] or ""
        state = form.cleaned_data["state"] or state
        day = form.cleaned_data["date"] or day
    entries = selectors.list_entries(
        user=request.user, credit_list=credit_list, q=q, state=state, day=day
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "web/credit_list.html",
        {
            "credit_list": credit_list,
            "form": form,
            "page": page,
            "day": day,
            "query": urlencode(query),
            "can_add": request.user.is_authenticated
            and svc.deciding_department(request.user, credit_list) is not None,
        },
    )


@login_required
def credit_entry_add(request: HttpRequest, code: str) -> HttpResponse:
    credit_list = get_object_or_404(CreditList, code=code, active=True)
    department = svc.deciding_department(request.user, credit_list)
    if department is None:
        return forbidden(request)
    form = EntryAddForm(request.POST or None, initial={"authority": department.name})
    if request.method == "POST" and form.is_valid():
        try:
            entry = svc.list_entry_add(
                actor=actor(request), credit_list=credit_list, **form.cleaned_data
            )
        except NotAllowed:
            return forbidden(request)
        except CreditError as exc:
            show_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was placed on %(list)s.")
                % {"name": entry.entity_name, "list": credit_list.name},
            )
            return redirect("web:credit_entry", pk=entry.pk)
    return render(
        request,
        "web/credit_entry_form.html",
        {"credit_list": credit_list, "form": form, "department": department},
    )


def credit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    qs = selectors.list_entries(user=request.user, state=selectors.EntryState.ALL)
    entry = get_object_or_404(qs.select_related("created_by", "removed_by", "target"), pk=pk)
    can_remove = (
        request.user.is_authenticated
        and entry.end_date is None
        and svc.may_remove(request.user, entry)
    )
    return render(
        request,
        "web/credit_entry.html",
        {
            "entry": entry,
            "can_remove": can_remove,
            "remove_form": EntryRemoveForm() if can_remove else None,
            "staff": _is_staff(request),
            "proposal": getattr(entry, "proposal", None),
        },
    )


@login_required
@require_POST
def credit_entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CreditListEntry.objects.select_related("credit_list"), pk=pk)
    if not svc.may_remove(request.user, entry):
        return forbidden(request)
    form = EntryRemoveForm(request.POST)
    if form.is_valid():
        try:
            svc.list_entry_remove(actor=actor(request), entry=entry, **form.cleaned_data)
        except NotAllowed:
            return forbidden(request)
        except CreditError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("The entity was removed from the list."))
            return redirect("web:credit_entry", pk=entry.pk)
    return render(
        request,
        "web/credit_entry.html",
        {"entry": entry, "can_remove": True, "remove_form": form, "staff": True},
        status=400,
    )


def credit_entity(request: HttpRequest, credit_code: str) -> HttpResponse:
    """An entity's list history (public) and, for staff, its risk class history."""
    code = normalize_uscc(credit_code)
    target = target_by_code(code)
    entries = list(selectors.entity_entries(user=request.user, credit_code=code))
    if target is None and not entries:
        raise not_found()
    classes = None
    if _is_staff(request) and policy.user_has_permission(
        request.user, Action.VIEW, RiskClassification
    ):
        classes = list(selectors.risk_history(user=request.user, credit_code=code)[:60])
    return render(
        request,
        "web/credit_entity.html",
        {
            "code": code,
            "target": target,
            "name": target.name if target else entries[0].entity_name,
            "entries": entries,
            "classes": classes,
            "today": timezone.localdate(),
            "activities": Activity.choices,
        },
    )


# --- proposals (staff) -----------------------------------------------------------------------


@login_required
def credit_proposals(request: HttpRequest) -> HttpResponse:
    if not _is_staff(request):
        return forbidden(request)
    today = timezone.localdate()
    rows = []
    for proposal in selectors.proposal_inbox(user=request.user)[:200]:
        department = (
            svc.deciding_department_for(request.user, proposal)
            if proposal.status == ProposalStatus.PENDING
            else None
        )
        confirm = None
        if department is not None:
            confirm = ProposalConfirmForm(
                prefix=f"p{proposal.pk}",
                initial={"start_date": today, "authority": department.name},
            )
        rows.append(
            {
                "p": proposal,
                "confirm": confirm,
                "reject": ProposalRejectForm(prefix=f"p{proposal.pk}"),
            }
        )
    return render(request, "web/credit_proposals.html", {"rows": rows})


def _proposal_or_404(request: HttpRequest, pk: int) -> AbnormalProposal:
    proposal = get_object_or_404(AbnormalProposal, pk=pk)
    if not selectors.proposal_inbox(user=request.user).filter(pk=pk).exists():
        raise not_found()
    return proposal


@login_required
@require_POST
def credit_proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    form = ProposalConfirmForm(request.POST, prefix=f"p{pk}")
    if not form.is_valid():
        messages.error(request, _("Give the decision's document number, authority and day."))
        return redirect("web:credit_proposals")
    try:
        entry = svc.proposal_confirm(actor=actor(request), proposal=proposal, **form.cleaned_data)
    except NotAllowed:
        return forbidden(request)
    except CreditError as exc:
        messages.error(request, str(exc))
        return redirect("web:credit_proposals")
    messages.success(request, _("Confirmed: the entity is on the abnormal-operation list."))
    return redirect("web:credit_entry", pk=entry.pk)


@login_required
@require_POST
def credit_proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    form = ProposalRejectForm(request.POST, prefix=f"p{pk}")
    try:
        if not form.is_valid():
            raise CreditError(_("Say why the proposal is rejected."))
        svc.proposal_reject(
            actor=actor(request), proposal=proposal, reason=form.cleaned_data["reason"]
        )
    except NotAllowed:
        return forbidden(request)
    except CreditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The proposal was rejected; nothing was listed."))
    return redirect("web:credit_proposals")


# --- the participation answer (public) ---------------------------------------------------


def credit_participation(request: HttpRequest) -> HttpResponse:
    """The question form; one entity found → its answer, several → a choice."""
    form = ParticipationForm(request.GET or None)
    candidates: list[Target] = []
    if form.is_valid():
        q = form.cleaned_data["q"]
        day = form.cleaned_data["date"] or timezone.localdate()
        params = {"activity": form.cleaned_data["activity"], "date": day.isoformat()}
        code = normalize_uscc(q)
        if len(code) == 18 and code.isalnum():
            return redirect(_answer_url(code, params))
        candidates = selectors.find_entities(q)
        if len(candidates) == 1:
            return redirect(_answer_url(candidates[0].credit_code, params))
        if not candidates:
            form.add_error(
                "q", _("No entity of the county's register matches; enter its credit code.")
            )
        return render(
            request,
            "web/credit_participation.html",
            {
                "form": form,
                "candidates": [(t, _answer_url(t.credit_code, params)) for t in candidates],
            },
        )
    return render(request, "web/credit_participation.html", {"form": form, "candidates": []})


def _answer_url(code: str, params: dict[str, str]) -> str:
    return f"{reverse('web:credit_answer')}?{urlencode({'credit_code': code, **params})}"


def credit_answer(request: HttpRequest) -> HttpResponse:
    """The answer page, printable (credit.css has the print layout)."""
    try:
        query = selectors.participation_query(
            credit_code=request.GET.get("credit_code", ""),
            activity=request.GET.get("activity", ""),
            date=request.GET.get("date"),
            today=timezone.localdate(),
        )
    except CreditError as exc:
        form = ParticipationForm(
            initial={
                "q": request.GET.get("credit_code", ""),
                "activity": request.GET.get("activity"),
            }
        )
        return render(
            request,
            "web/credit_participation.html",
            {"form": form, "candidates": [], "error": str(exc)},
            status=400,
        )
    answer = selectors.participation_answer(
        credit_code=query.credit_code, activity=query.activity, day=query.day
    )
    return render(
        request,
        "web/credit_answer.html",
        {
            "answer": answer,
            "activity_label": Activity(query.activity).label,
            "in_register": target_by_code(query.credit_code) is not None,
            "answered_at": timezone.localtime(),
        },
    )


@require_GET
def api_participation(request: HttpRequest) -> JsonResponse:
    """``GET /api/credit/participation?credit_code=…&activity=…&date=YYYY-MM-DD``.

    200: the answer (``allowed`` and every restriction with list, reason, authority,
    document number, period and legal basis).  400: ``{"code", "message", "field"}``."""
    try:
        query = selectors.participation_query(
            credit_code=request.GET.get("credit_code", ""),
            activity=request.GET.get("activity", ""),
            date=request.GET.get("date"),
            today=timezone.localdate(),
        )
    except CreditError as exc:
        return JsonResponse(
            {"code": str(exc.code), "message": str(exc), "field": exc.field}, status=400
        )
    answer = selectors.participation_answer(
        credit_code=query.credit_code, activity=query.activity, day=query.day
    )
    body = answer.to_json()
    body["activity_label"] = str(Activity(query.activity).label)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


# --- imports (staff) -------------------------------------------------------------------------


def _import_kinds(request: HttpRequest) -> list[str]:
    user = request.user
    kinds = []
    if user.is_authenticated and policy.user_has_permission(user, Action.ADD, CreditListEntry):
        kinds.append("credit_list_entries")
    if user.is_authenticated and svc.may_import_classes(user):
        kinds.append("risk_classes")
    return kinds


@login_required
def credit_import(request: HttpRequest) -> HttpResponse:
    """Small files here, checked and imported in the request; the monthly classification of
    a whole county is better run with ``shuangsuiji credit import`` (minutes, not seconds)."""
    allowed = _import_kinds(request)
    if not allowed:
        return forbidden(request)
    form = CreditImportForm(request.POST or None, request.FILES or None, allowed=allowed)
    outcome: Any = None
    problems: list[Any] = []
    kind = ""
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        with tempfile.TemporaryDirectory(prefix="ssj-credit-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            with path.open("wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
            run = (
                svc.list_entries_import
                if kind == "credit_list_entries"
                else svc.risk_classes_import
            )
            try:
                outcome = run(
                    path=path,
                    actor=actor(request),
                    file_name=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                )
                problems = outcome.problems
            except UnreadableFile as exc:
                form.add_error("file", exc.localized)
            except ImportRejected as exc:
                problems = exc.problems
                form.add_error(None, str(exc))
            except NotAllowed as exc:
                form.add_error(None, str(exc))
    return render(
        request,
        "web/credit_import.html",
        {
            "form": form,
            "outcome": outcome,
            "kind": kind,
            "errors": [p for p in problems if p.is_error],
            "warnings": [p for p in problems if not p.is_error],
        },
    )
