"""The ceremony page, the draw and the redraw through the pages, and the public
announcement: the commitment is shown from the freeze, the secret only after the draw."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from shuangsuiji.lottery import parse_population, verify_record
from shuangsuiji.tasks.models import Commitment, Draw, TaskStatus
from tests.web_tasks.conftest import ACTS, ENTROPY, ROLES, SEES, Web


def refusal(role: str) -> int:
    return 302 if role == "anonymous" else 403 if role in SEES else 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_ceremony_page_by_role(web: Web, role: str) -> None:
    task = web.frozen()
    response = web.client(role).get(reverse("web:task_ceremony", args=[task.pk]))
    if role in SEES:
        assert response.status_code == 200
        page = response.content.decode()
        assert task.number in page
        assert ('data-testid="draw"' in page) == (role in ACTS)
    else:
        assert response.status_code == refusal(role)


@pytest.mark.django_db
def test_before_the_draw_the_ceremony_shows_the_commitment_and_never_the_secret(web: Web) -> None:
    task = web.frozen()
    commitment = Commitment.objects.get(task=task)
    page = web.admin.get(reverse("web:task_ceremony", args=[task.pk])).content.decode()
    assert commitment.commitment in page and task.freeze.population_digest in page
    assert task.freeze.quota_line in page
    assert commitment.secret not in page
    public = web.client("anonymous").get(reverse("web:public_task_detail", args=[task.pk]))
    assert commitment.commitment in public.content.decode()
    assert commitment.secret not in public.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entries", ["", "   \n  \n", "\n".join(f"骰子 {n}" for n in range(25)), "x" * 201]
)
def test_a_draw_needs_public_entropy_and_bad_entropy_writes_nothing(web: Web, entries: str) -> None:
    task = web.frozen()
    response = web.admin.post(reverse("web:task_draw", args=[task.pk]), {"entries": entries})
    assert response.status_code == 200 and response.context["form"].errors["entries"]
    task.refresh_from_db()
    assert task.status == TaskStatus.FROZEN and not Draw.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_drawing_by_role(web: Web, role: str) -> None:
    task = web.frozen()
    response = web.client(role).post(
        reverse("web:task_draw", args=[task.pk]), {"entries": "\n".join(ENTROPY)}
    )
    if role in ACTS:
        assert response.status_code == 302 and Draw.objects.filter(task=task).count() == 1
    else:
        assert response.status_code == refusal(role) and not Draw.objects.exists()


@pytest.mark.django_db
def test_after_the_draw_the_ceremony_reveals_the_secret_seed_and_drawn_list(web: Web) -> None:
    task = web.frozen()
    response = web.admin.post(
        reverse("web:task_draw", args=[task.pk]),
        {"entries": "  见证人王建华掷骰 4 2 6 1 3  \n\n福彩3D 第2026330期 1 8 5\n"},
        follow=True,
    )
    draw = Draw.objects.get(task=task)
    assert draw.entropy == ENTROPY  # blank lines dropped, entries stripped, order kept
    page = response.content.decode()
    assert draw.record["secret"] in page and draw.seed in page
    for row in draw.drawn.select_related("target"):
        assert row.target.name in page and row.target.credit_code in page
    assert "✓" in page  # SHA-256(secret) = commitment, shown to the audience
    population = task.freeze.population.open("rb").read()
    assert verify_record(json.loads(bytes(draw.record_bytes)), parse_population(population)).ok


@pytest.mark.django_db
def test_a_second_draw_is_refused_and_leaves_the_first(web: Web) -> None:
    task = web.drawn()
    first = Draw.objects.get(task=task)
    response = web.admin.post(
        reverse("web:task_draw", args=[task.pk]), {"entries": "再次掷骰 6 6 6"}, follow=True
    )
    assert response.status_code == 200
    assert list(Draw.objects.filter(task=task)) == [first]


@pytest.mark.django_db
def test_redraw_needs_a_reason_and_is_shown_publicly(web: Web) -> None:
    task = web.drawn()
    first = Draw.objects.get(task=task)
    url = reverse("web:task_redraw", args=[task.pk])
    missing = web.admin.post(url, {"reason": "  "})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    assert not Draw.objects.get(pk=first.pk).superseded
    reason = "摇号现场投影中断，见证人未能看清结果"
    assert web.admin.post(url, {"reason": reason}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.FROZEN
    new = Commitment.objects.get(task=task, sequence=2)
    ceremony = web.admin.get(reverse("web:task_ceremony", args=[task.pk])).content.decode()
    assert new.commitment in ceremony and new.secret not in ceremony and reason in ceremony
    web.admin.post(reverse("web:task_draw", args=[task.pk]), {"entries": "见证人掷骰 2 5 5"})
    public = web.client("anonymous").get(reverse("web:public_task_detail", args=[task.pk]))
    text = public.content.decode()
    assert 'data-testid="redraws"' in text and reason in text
    assert first.seed in text and first.record["commitment"] in text
    second = Draw.objects.get(task=task, superseded=False)
    assert second.seed in text and second.sequence == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["supervisor", "other_admin", "inspector"])
def test_others_cannot_redraw(web: Web, role: str) -> None:
    task = web.drawn()
    url = reverse("web:task_redraw", args=[task.pk])
    c = web.client(role)
    assert c.get(url).status_code == refusal(role)
    assert c.post(url, {"reason": "想换一批"}).status_code == refusal(role)
    assert not Draw.objects.get(task=task).superseded


@pytest.mark.django_db
def test_public_announcement(web: Web) -> None:
    draft = web.task(name="未冻结的任务")
    task = web.drawn()
    anonymous = web.client("anonymous")
    listing = anonymous.get(reverse("web:public_task_list")).content.decode()
    assert task.number in listing and draft.number not in listing
    assert anonymous.get(reverse("web:public_task_detail", args=[draft.pk])).status_code == 404
    page = anonymous.get(reverse("web:public_task_detail", args=[task.pk])).content.decode()
    draw = Draw.objects.get(task=task)
    for text in (
        task.number,
        task.name,
        web.s.county.items["health"].name,
        web.s.plan.inspecting_body,
        "2026-12-01",
        task.freeze.population_digest,
        draw.record["commitment"],
        draw.seed,
        *ENTROPY,
    ):
        assert text in page, text
    assert f'data-testid="drawn-count">{draw.selected_count}' in page
    for row in draw.drawn.select_related("target"):
        assert row.target.name in page and row.target.credit_code in page
