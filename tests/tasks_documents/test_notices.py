"""Inspection notices (检查通知书) as PDF: the text a target receives, checked by extracting
it from the PDF with pdftotext, and who may print which notice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.tasks import documents
from shuangsuiji.tasks.models import Assignment, DrawnTarget
from tests.conftest import PASSWORD

from .conftest import Matched

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "notice.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return out.stdout.decode("utf-8")


def team_of(m: Matched, position: int) -> list[Assignment]:
    return list(
        Assignment.objects.filter(task=m.task, position=position, active=True).select_related(
            "inspector"
        )
    )


def test_notice_number_is_the_task_number_and_the_dispatch_position(matched: Matched) -> None:
    assert documents.notice_number(matched.task, 3) == "新卫健抽查〔2026〕1号-003"
    assert documents.notice_number(matched.task, 1234) == "新卫健抽查〔2026〕1号-1234"


@needs_poppler
def test_notice_pdf_carries_target_team_and_task_number(matched: Matched, tmp_path: Path) -> None:
    notice = documents.notices_for(matched.task)[1]
    text = pdf_text(
        documents.notices_pdf([notice], portal_url="https://xx.example.gov.cn/"), tmp_path
    )
    flat = re.sub(r"\s+", "", text)
    target = notice.target
    assert target.name in flat and target.credit_code in flat
    assert re.sub(r"\s+", "", target.address) in flat
    assert "检查通知书" in flat
    assert "新卫健抽查〔2026〕1号" in text  # the 〔〕 survive, unspaced
    assert f"新卫健抽查〔2026〕1号-{notice.position:03d}" in text
    assert "新县卫生健康委员会" in text
    team = team_of(matched, notice.position)
    assert len(team) == 2
    for a in team:
        assert a.inspector.name in text
        assert a.inspector.certificate_no in text  # e.g. 豫41152320250003, in one piece
    item = matched.scenario.county.items["health"]
    assert item.name in flat and re.sub(r"\s+", "", item.legal_basis) in flat
    assert "2026年12月1日至2026年12月20日" in flat
    assert "https://xx.example.gov.cn/" in flat and "核验" in flat


@needs_poppler
def test_recused_inspector_is_left_out_and_the_replacement_named(
    matched: Matched, tmp_path: Path
) -> None:
    recused = matched.recusal.assignment
    replacement = matched.recusal.replacement.inspector
    [notice] = documents.notices_for(matched.task, [recused.target_id])
    text = pdf_text(documents.notices_pdf([notice], portal_url=""), tmp_path)
    assert recused.inspector.certificate_no not in text
    assert recused.inspector.name not in text
    assert replacement.name in text and replacement.certificate_no in text
    # The replacement takes the recused inspector's slot, not the end of the list.
    original = list(Assignment.objects.filter(matching=matched.matching, target=recused.target))
    slots = [a for a in sorted(original, key=lambda a: a.pk) if a.replaces_id is None]
    assert [m.certificate_no for m in notice.team][slots.index(recused)] == (
        replacement.certificate_no
    )


@needs_poppler
def test_task_pdf_has_a_page_per_target_in_dispatch_order(matched: Matched, tmp_path: Path) -> None:
    notices = documents.notices_for(matched.task)
    assert len(notices) == matched.draw.selected_count
    text = pdf_text(documents.notices_pdf(notices, portal_url=""), tmp_path)
    pages = text.split("\f")[: len(notices)]
    assert len([p for p in text.split("\f") if p.strip()]) == len(notices)
    for page, notice in zip(pages, notices, strict=True):
        assert notice.number in page and notice.target.credit_code in page


def login(client: Client, user: object) -> None:
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]


def test_department_admin_downloads_the_task_notices(matched: Matched) -> None:
    client = Client()
    login(client, matched.scenario.admin)
    response = client.get(reverse("web:task_notices", args=[matched.task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; ")
    assert "filename*=UTF-8''%E6%96%B0%E5%8D%AB%E5%81%A5" in disposition  # 新卫健…
    one = client.get(reverse("web:task_notice", args=[matched.task.pk, 1]))
    assert one.status_code == 200 and one.content.startswith(b"%PDF-")
    page = client.get(reverse("web:task_notice_html", args=[matched.task.pk, 1]))
    assert page.status_code == 200
    assert "新卫健抽查〔2026〕1号-001" in page.content.decode()


def test_the_public_and_other_departments_get_no_notices(matched: Matched) -> None:
    url = reverse("web:task_notices", args=[matched.task.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302  # to the login page
    client = Client()
    login(client, matched.scenario.county.users["lead_admin"])  # 市场监管局: another department
    assert client.get(url).status_code == 404
    assert client.get(reverse("web:task_notice", args=[matched.task.pk, 1])).status_code == 404


def test_an_inspector_prints_only_the_notices_of_their_own_teams(
    matched: Matched, tmp_path: Path
) -> None:
    county = matched.scenario.county
    # The replacement inspector is on at least one team; give them the inspector's login.
    inspector = matched.recusal.replacement.inspector
    inspector.user = county.users["inspector"]
    inspector.save(update_fields=["user"])
    # The user's own 张伟 record may be on teams too: theirs are all their records' teams.
    mine = set(
        Assignment.objects.filter(
            task=matched.task, inspector__user=county.users["inspector"], active=True
        ).values_list("position", flat=True)
    )
    assert mine
    client = Client()
    login(client, county.users["inspector"])
    positions = DrawnTarget.objects.filter(draw=matched.draw).values_list("position", flat=True)
    for position in positions:
        response = client.get(reverse("web:task_notice", args=[matched.task.pk, position]))
        assert response.status_code == (200 if position in mine else 404)
    combined = client.get(reverse("web:task_notices", args=[matched.task.pk]))
    assert combined.status_code == 200
    if shutil.which("pdftotext"):
        text = pdf_text(combined.content, tmp_path)
        assert text.count("检查通知书") == len(mine)


def test_the_county_supervisor_reads_every_notice(matched: Matched) -> None:
    client = Client()
    login(client, matched.scenario.county.users["supervisor"])
    assert client.get(reverse("web:task_notices", args=[matched.task.pk])).status_code == 200


def test_no_notices_before_the_matching(matched: Matched) -> None:
    from .conftest import new_task

    s = matched.scenario
    task = new_task(s, name="公共场所卫生第二批抽查")
    assert documents.notices_for(task) == []
    client = Client()
    login(client, s.admin)
    assert client.get(reverse("web:task_notices", args=[task.pk])).status_code == 404


def test_a_joint_task_notice_is_issued_by_every_department(matched: Matched) -> None:
    county = matched.scenario.county
    matched.task.participants.add(county.env)
    [notice] = documents.notices_for(matched.task, [matched.recusal.assignment.target_id])
    assert notice.issuers == ["新县卫生健康委员会", "信阳市生态环境局新县分局"]
    html = documents.notices_html([notice], portal_url="")
    assert "新县卫生健康委员会会同信阳市生态环境局新县分局组织开展跨部门联合抽查" in html
    assert "可以向检查机关申请其回避" in html
