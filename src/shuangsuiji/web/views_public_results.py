"""The public side of results (一公开): published results, searchable by name or credit
code, each entity's page with its results and credit record, and a CSV of all published
results.  Everything here reads the frozen public copy (``Publication``) and the credit
record; the internal findings are not even loaded.
"""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.credit.lookup import target_by_code
from shuangsuiji.credit.models import CreditListEntry, CreditRecordEntry
from shuangsuiji.results.models import Publication

#: The columns of the public result notice seen on provincial portals (mission.md).
CSV_COLUMNS = [
    ("task_number", "任务编号"),
    ("task_name", "任务名称"),
    ("department_name", "检查机关"),
    ("target_name", "检查对象名称"),
    ("credit_code", "统一社会信用代码"),
    ("inspection_date", "检查日期"),
    ("result_date", "完成日期"),
    ("category_name", "检查结果"),
    ("refused", "拒绝检查"),
    ("public_text", "检查情况"),
    ("published_on", "公示日期"),
]


def search_publications(q: str) -> QuerySet[Publication]:
    qs = Publication.objects.all()
    q = q.strip()
    if q:
        qs = qs.filter(Q(credit_code=q.upper()) | Q(target_name__contains=q) | Q(task_number=q))
    return qs.order_by("-published_on", "-pk")


def public_results(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(search_publications(q), 50).get_page(request.GET.get("page"))
    return render(request, "web/public_results.html", {"page": page, "q": q})


def public_result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    return render(request, "web/public_result_detail.html", {"p": publication})


def public_entity(request: HttpRequest, credit_code: str) -> HttpResponse:
    # Through the byte-order code index: a plain lookup scans a ten-million-row register.
    target = target_by_code(credit_code.upper())
    if target is None:
        raise Http404(_("No registered business has this credit code."))
    today = timezone.localdate()
    return render(
        request,
        "web/public_entity.html",
        {
            "target": target,
            "publications": Publication.objects.filter(target=target).order_by("-published_on"),
            "credit": CreditRecordEntry.objects.filter(target=target).select_related("department"),
            "listed": [
                e
                for e in CreditListEntry.objects.filter(credit_code=target.credit_code)
                .select_related("credit_list")
                .order_by("-start_date")
                if e.active_on(today)
            ],
            "today": today,
        },
    )


def public_results_csv(request: HttpRequest) -> HttpResponse:
    """All published results (or a search's), UTF-8 with BOM so Excel opens it in Chinese."""
    qs = search_publications(request.GET.get("q", "")[:100])
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow([label for _f, label in CSV_COLUMNS])
    yes, no = _("yes"), _("no")
    for p in qs.values_list(*[f for f, _l in CSV_COLUMNS]).iterator():
        writer.writerow([(yes if v else no) if isinstance(v, bool) else v for v in p])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''results.csv"
    return response
