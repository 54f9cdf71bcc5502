"""Each inspector's own assignment list (检查任务清单), as a page and as a PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.tasks import documents
from shuangsuiji.tasks.models import Assignment
from tests.conftest import PASSWORD

from .conftest import Matched

pytestmark = pytest.mark.django_db


def login(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_list_shows_targets_in_dispatch_order_and_the_recusal(matched: Matched) -> None:
    recused = matched.recusal.assignment
    data = documents.assignment_list(matched.task, recused.inspector)
    positions = [line.position for line in data.lines]
    assert positions == sorted(positions) and recused.position in positions
    line = next(x for x in data.lines if x.position == recused.position)
    assert not line.active and line.recusal_reason == "其配偶在该单位任职"
    assert data.active_count == len(data.lines) - 1
    replacement = matched.recusal.replacement.inspector
    theirs = documents.assignment_list(matched.task, replacement)
    taken = next(x for x in theirs.lines if x.position == recused.position)
    assert taken.active and taken.replaces == recused.inspector.name
    # The teammates are the rest of the active team, never the inspector themself.
    team = Assignment.objects.filter(task=matched.task, position=recused.position, active=True)
    expected = {a.inspector.certificate_no for a in team} - {replacement.certificate_no}
    assert {m.certificate_no for m in taken.teammates} == expected


def test_an_inspector_opens_their_own_list_and_no_one_elses(matched: Matched) -> None:
    county = matched.scenario.county
    inspector = matched.recusal.assignment.inspector
    inspector.user = county.users["inspector"]
    inspector.save(update_fields=["user"])
    client = login(county.users["inspector"])
    url = reverse("web:inspector_assignments", args=[matched.task.pk, inspector.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert inspector.certificate_no in html and "其配偶在该单位任职" in html
    assert reverse("web:inspector_assignments_pdf", args=[matched.task.pk, inspector.pk]) in html
    pdf = client.get(reverse("web:inspector_assignments_pdf", args=[matched.task.pk, inspector.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    someone_else = (
        Assignment.objects.filter(task=matched.task)
        .exclude(inspector__user=county.users["inspector"])
        .first()
        .inspector  # type: ignore[union-attr]
    )
    other = reverse("web:inspector_assignments", args=[matched.task.pk, someone_else.pk])
    assert client.get(other).status_code == 404
    assert login(county.users["lead_admin"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # the public: to the login page
    assert login(matched.scenario.admin).get(other).status_code == 200


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_list_pdf_names_the_targets_and_the_team(matched: Matched, tmp_path: Path) -> None:
    inspector = matched.recusal.replacement.inspector
    data = documents.assignment_list(matched.task, inspector)
    path = tmp_path / "list.pdf"
    path.write_bytes(documents.assignment_list_pdf(data))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert inspector.name in text and inspector.certificate_no in text
    assert matched.task.number in text
    for line in data.lines:
        assert line.target.credit_code in flat
        for m in line.teammates:
            assert m.certificate_no in text
