"""The published files of a task, downloaded as the public gets them and checked with the
public `shuangsuiji verify`, byte for byte; and who gets which file when."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.errors import DomainError
from shuangsuiji.tasks import services
from tests.conftest import PASSWORD
from tests.tasks.conftest import Scenario

from .conftest import ENTROPY, Matched, new_task

pytestmark = pytest.mark.django_db
IMMUTABLE = "public, max-age=31536000, immutable"


def download(client: Client, name: str, *args: object) -> tuple[bytes, dict[str, str]]:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return body, dict(response.headers)


def verify(
    tmp_path: Path, draw: bytes, population: bytes, **matching: bytes
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "draw.json").write_bytes(draw)
    (tmp_path / "population.csv").write_bytes(population)
    args = [sys.executable, "-m", "shuangsuiji.cli", "verify", str(tmp_path / "draw.json")]
    args += ["--population", str(tmp_path / "population.csv")]
    if matching:
        (tmp_path / "matching.json").write_bytes(matching["record"])
        (tmp_path / "inputs.json").write_bytes(matching["inputs"])
        args += ["--matching", str(tmp_path / "matching.json")]
        args += ["--matching-inputs", str(tmp_path / "inputs.json")]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def filename_star(disposition: str) -> str:
    """The RFC 5987 name a browser saves the file under."""
    part = next(p.strip() for p in disposition.split(";") if p.strip().startswith("filename*="))
    charset, _lang, quoted = part.removeprefix("filename*=").split("'", 2)
    assert charset.upper() == "UTF-8"
    return unquote(quoted, encoding="utf-8")


def test_the_public_downloads_every_file_and_it_verifies(matched: Matched, tmp_path: Path) -> None:
    public = Client()
    pk = matched.task.pk
    population, pop_headers = download(public, "web:task_population", pk)
    draw, draw_headers = download(public, "web:task_draw_record", pk)
    inputs, inputs_headers = download(public, "web:task_matching_inputs", pk)
    record, record_headers = download(public, "web:task_matching_record", pk)
    exclusions, excl_headers = download(public, "web:task_exclusions", pk)

    freeze = matched.task.freeze
    with freeze.population.open("rb") as fh:
        assert population == fh.read()
    assert hashlib.sha256(population).hexdigest() == freeze.population_digest
    assert draw == bytes(matched.draw.record_bytes)
    assert inputs == bytes(matched.matching.inputs_bytes)
    assert record == bytes(matched.matching.record_bytes)  # with the recusal's replacement
    assert json.loads(record)["replacements"][0]["reason"] == "其配偶在该单位任职"
    with freeze.exclusions.open("rb") as fh:
        assert exclusions == fh.read()
    assert exclusions.decode("utf-8-sig").startswith("统一社会信用代码,名称,排除原因")

    result = verify(tmp_path, draw, population, record=record, inputs=inputs)
    assert result.returncode == 0, result.stdout + result.stderr

    number = matched.task.number
    assert pop_headers["Content-Type"] == "text/csv; charset=utf-8"
    assert filename_star(pop_headers["Content-Disposition"]) == f"{number}-population.csv"
    assert pop_headers["Content-Disposition"].startswith('attachment; filename="task-')
    assert filename_star(excl_headers["Content-Disposition"]) == f"{number}-exclusions.csv"
    assert filename_star(draw_headers["Content-Disposition"]) == f"{number}-draw-1.json"
    assert filename_star(inputs_headers["Content-Disposition"]) == f"{number}-matching-inputs.json"
    assert filename_star(record_headers["Content-Disposition"]) == f"{number}-matching.json"
    assert draw_headers["Content-Type"] == "application/json"
    # Files that never change are immutable; the live draw and the matching (a recusal
    # appends to it) revalidate.  ETags are the SHA-256 of the bytes.
    assert pop_headers["Cache-Control"] == IMMUTABLE
    assert inputs_headers["Cache-Control"] == IMMUTABLE
    assert draw_headers["Cache-Control"] == record_headers["Cache-Control"] == "public, no-cache"
    assert pop_headers["ETag"] == f'"{freeze.population_digest}"'
    assert record_headers["ETag"] == f'"{hashlib.sha256(record).hexdigest()}"'
    assert inputs_headers["ETag"] == f'"{matched.matching.inputs_digest}"'


def test_a_known_etag_gets_not_modified(matched: Matched) -> None:
    client = Client()
    for name in ("web:task_population", "web:task_draw_record", "web:task_matching_record"):
        first = client.get(reverse(name, args=[matched.task.pk]))
        again = client.get(reverse(name, args=[matched.task.pk]), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]
        other = client.get(reverse(name, args=[matched.task.pk]), HTTP_IF_NONE_MATCH='"0000"')
        assert other.status_code == 200


def test_a_superseded_draw_stays_downloadable_and_verifies(
    scenario: Scenario, tmp_path: Path
) -> None:
    task = new_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    first = services.task_draw(task=task, actor=scenario.admin, entropy=ENTROPY)
    services.task_request_redraw(
        task=task, actor=scenario.admin, reason="摇号现场停电，见证人未能记录结果"
    )
    second = services.task_draw(task=task, actor=scenario.admin, entropy=["dice:6 6 6"])
    public = Client()
    population, _ = download(public, "web:task_population", task.pk)
    old, old_headers = download(public, "web:task_draw_record_sequence", task.pk, 1)
    live, _ = download(public, "web:task_draw_record", task.pk)
    new, _ = download(public, "web:task_draw_record_sequence", task.pk, 2)
    assert old == bytes(first.record_bytes) and live == new == bytes(second.record_bytes)
    assert old != new
    assert old_headers["Cache-Control"] == IMMUTABLE
    assert filename_star(old_headers["Content-Disposition"]).endswith("-draw-1.json")
    for record in (old, new):
        result = verify(tmp_path, record, population)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (
        public.get(reverse("web:task_draw_record_sequence", args=[task.pk, 3])).status_code == 404
    )
    # A matching exists only for the live draw, and not yet.
    assert public.get(reverse("web:task_matching_record", args=[task.pk])).status_code == 404


def test_a_tampered_record_does_not_verify(matched: Matched, tmp_path: Path) -> None:
    """The check above is not vacuous: one changed entropy entry and verify says no."""
    public = Client()
    population, _ = download(public, "web:task_population", matched.task.pk)
    draw, _ = download(public, "web:task_draw_record", matched.task.pk)
    forged = draw.replace("福彩3D 2026330期: 1 8 5".encode(), "福彩3D 2026330期: 1 8 6".encode())
    assert forged != draw
    assert verify(tmp_path, forged, population).returncode == 1


def login(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


NAMES = [
    "web:task_population",
    "web:task_exclusions",
    "web:task_draw_record",
    "web:task_matching_inputs",
    "web:task_matching_record",
]


def test_a_draft_task_has_nothing_to_download_even_for_its_department(scenario: Scenario) -> None:
    task = new_task(scenario)
    for client in (Client(), login(scenario.admin)):
        for name in NAMES:
            assert client.get(reverse(name, args=[task.pk])).status_code == 404, name


def test_the_population_is_published_with_the_draw(scenario: Scenario) -> None:
    task = new_task(scenario)
    services.task_freeze(task=task, actor=scenario.admin)
    url = reverse("web:task_population", args=[task.pk])
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("web:task_exclusions", args=[task.pk])).status_code == 404
    staff = login(scenario.admin).get(url)
    assert staff.status_code == 200
    assert staff["Cache-Control"] == "private, no-cache"  # never in a shared cache yet
    services.task_draw(task=task, actor=scenario.admin, entropy=ENTROPY)
    after = Client().get(url)
    assert after.status_code == 200 and after["Cache-Control"] == IMMUTABLE


def test_a_population_file_changed_on_disk_is_never_served(matched: Matched) -> None:
    freeze = matched.task.freeze
    path = Path(freeze.population.path)
    original = path.read_bytes()
    path.write_bytes(original.replace(b",A,1\n", b",A,2\n", 1))
    assert path.read_bytes() != original
    with pytest.raises(DomainError):
        Client().get(reverse("web:task_population", args=[matched.task.pk]))


def test_only_get_and_head(matched: Matched) -> None:
    url = reverse("web:task_draw_record", args=[matched.task.pk])
    assert Client().post(url).status_code == 405
    head = Client().head(url)
    assert head.status_code == 200 and head["ETag"]


def test_an_unknown_task_has_no_files(matched: Matched) -> None:
    for name in NAMES:
        assert Client().get(reverse(name, args=[matched.task.pk + 1000])).status_code == 404
