"""Locust users of a county's working day: citizens reading the public portal while staff
log in and write through the same pages a browser uses (CSRF token, session cookie, form
fields as rendered).  ``MIXED_SAMPLE`` names the JSON file written by
``bench/mixed_load.py``: names and credit codes to search, the inspectors' open
assignments, the department whose admin creates plans.

- ``PortalVisitor``: search by name or code, entity pages, result list (as in
  ``locustfile_portal.py``).
- ``Inspector`` (张伟, 许芳): open a dispatched assignment's result form and save it as a
  draft (``result_save`` + audit row); each locust user keeps to its own assignments.
- ``DepartmentAdmin`` (王丽华, 市场监管局): open the new-plan form and create an annual plan
  (``plan_create`` + audit row).

A write counts as a success only when the page redirects (HTTP 302), as it does after a
valid save; a form sent back with errors is a failure.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

SAMPLE = json.loads(Path(os.environ["MIXED_SAMPLE"]).read_text("utf-8"))
PASSWORD = SAMPLE["password"]
HEADERS = {"X-Forwarded-Proto": "https"}  # what nginx adds: the production settings need it
_ids = itertools.count()


class _Forms(HTMLParser):
    """The POST forms of a page: field name → list of values as a browser would send them,
    plus the options of each select and the checkboxes."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}, "options": {}, "boxes": {}}
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        fields, name = self._form["fields"], a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                self._form["boxes"].setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "reset"):
                fields[name] = [a.get("value", "")]
        elif tag == "select":
            self._select = name
            self._form["options"][name] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._form["options"][self._select].append(value)
            if "selected" in a:
                self._form["fields"][self._select] = [value]
        elif tag == "textarea":
            self._textarea = name
            fields[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form["fields"][self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            options = self._form["options"][self._select]
            if self._select not in self._form["fields"] and options:
                self._form["fields"][self._select] = [options[0]]  # what a browser sends
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            value = self._form["fields"][self._textarea]
            value[0] = value[0].removeprefix("\n")  # as browsers read <textarea>\n…
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_with(html: str, field: str) -> dict[str, Any]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if field in form["fields"] or field in form["boxes"]:
            return form
    raise LookupError(f"no form with {field}")


def _secure_cookies_over_http(self: Any, cookie: Any, request: Any) -> bool:
    return True


# The production settings mark cookies Secure (and send the session cookie again with every
# response); a browser talks HTTPS to nginx.  Locust talks plain HTTP to gunicorn, so this
# process sends Secure cookies back anyway.  (requests copies the session's cookies into a
# fresh jar for each request, so a jar's own policy would not be used.)
http.cookiejar.DefaultCookiePolicy.return_ok_secure = _secure_cookies_over_http  # type: ignore[method-assign]


class Staff(HttpUser):
    abstract = True
    wait_time = between(1.0, 3.0)  # people read and type between two saves
    username = ""

    def on_start(self) -> None:
        self.n = next(_ids)
        page = self.client.get("/login/", headers=HEADERS, name="login page")
        form = form_with(page.text, "username")
        data = {k: v[0] for k, v in form["fields"].items()}
        data.update(username=self.username, password=PASSWORD)
        r = self.client.post(
            "/login/", data=data, headers=self._post_headers("/login/"),
            allow_redirects=False, name="login",
        )  # fmt: skip
        if r.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({r.status_code})")

    def _post_headers(self, path: str) -> dict[str, str]:
        origin = f"https://{(self.host or '').split('://', 1)[1]}"
        return {**HEADERS, "Referer": origin + path, "Origin": origin}

    def submit(self, path: str, field: str, fill: dict[str, Any], name: str) -> None:
        page = self.client.get(path, headers=HEADERS, name=f"{name} (form)")
        if page.status_code != 200:
            return
        form = form_with(page.text, field)
        data: dict[str, Any] = dict(form["fields"])
        data.update(fill(form) if callable(fill) else fill)
        with self.client.post(
            path, data=data, headers=self._post_headers(path), allow_redirects=False,
            name=name, catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code == 302:
                r.success()
            else:
                r.failure(f"HTTP {r.status_code}: not saved")


class Inspector(Staff):
    """An inspector saving the result of one of the visits the team made today."""

    weight = 2

    def on_start(self) -> None:
        mine = [a for a in SAMPLE["assignments"] if a["username"]]
        self.username = mine[next(_ids) % len(mine)]["username"]
        super().on_start()
        own = [a for a in mine if a["username"] == self.username]
        # Locust users sharing an account share its assignments round-robin, never one result.
        peers = max(1, SAMPLE["inspector_users"] // len({a["username"] for a in mine}))
        self.work = own[self.n % peers :: peers] or own

    @task
    def save_result(self) -> None:
        a = random.choice(self.work)
        path = f"/tasks/{a['task']}/targets/{a['target']}/result/"

        def fill(form: dict[str, Any]) -> dict[str, Any]:
            n = random.randint(1, 9999)
            out: dict[str, Any] = {
                "findings": [f"经营场所与登记住所一致，未发现问题（第{n}次保存）。"]
            }
            for box in form["boxes"]:
                if box.startswith(("present_", "shown_")):
                    out[box] = ["on"]
            options = [o for o in form["options"].get("category", []) if o]
            if options and not form["fields"].get("category", [""])[0]:
                out["category"] = [options[0]]
            return out

        self.submit(path, "findings", fill, "save result")  # type: ignore[arg-type]

    @task
    def my_page(self) -> None:
        self.client.get("/my/", headers=HEADERS, name="my work")


class DepartmentAdmin(Staff):
    """The lead department's admin filing annual plans."""

    weight = 1
    wait_time = between(2.0, 5.0)

    def on_start(self) -> None:
        self.username = SAMPLE["plan_admin"]
        super().on_start()

    @task
    def create_plan(self) -> None:
        path = f"/departments/{SAMPLE['plan_department']}/plans/new/"
        year = SAMPLE["year"]

        def fill(form: dict[str, Any]) -> dict[str, Any]:
            return {
                "name": [f"{year}年度专项抽查计划（压测{self.n}-{random.randint(1, 10**6)}）"],
                "target_scope": ["全县食品经营者"],
                "items": form["boxes"].get("items", [])[:1],
                "frequency": ["每年一次"],
                "period_start": [f"{year}-12-01"],
                "period_end": [f"{year}-12-31"],
                **{f"quota_{c}": ["5%"] for c in "ABCD"},
            }

        self.submit(path, "target_scope", fill, "create plan")  # type: ignore[arg-type]

    @task
    def plan_list(self) -> None:
        self.client.get("/plans/", headers=HEADERS, name="plan list")


class PortalVisitor(HttpUser):
    weight = 8
    wait_time = between(0.0, 0.5)

    @task(4)
    def search_by_name(self) -> None:
        self.client.get(
            "/public/search/", params={"q": random.choice(SAMPLE["fragments"])},
            headers=HEADERS, name="search name",
        )  # fmt: skip

    @task(2)
    def search_by_code(self) -> None:
        self.client.get(
            "/public/search/", params={"q": random.choice(SAMPLE["codes"])},
            headers=HEADERS, name="search code",
        )  # fmt: skip

    @task(3)
    def entity_page(self) -> None:
        code = random.choice(SAMPLE["codes"])
        self.client.get(f"/public/entities/{code}/", headers=HEADERS, name="entity page")

    @task(1)
    def results(self) -> None:
        self.client.get("/public/results/", headers=HEADERS, name="results list")
