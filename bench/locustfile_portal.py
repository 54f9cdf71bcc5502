"""Locust users of the public portal: a business owner or a journalist searching by name or
credit code, opening an entity page, reading results.  The sample of names and codes comes
from ``PORTAL_SAMPLE`` (a JSON file written by ``bench/portal_load.py``)."""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["PORTAL_SAMPLE"], encoding="utf-8") as f:
    SAMPLE = json.load(f)


class PortalVisitor(HttpUser):
    wait_time = between(0.0, 0.2)

    @task(4)
    def search_by_name(self) -> None:
        self.client.get(
            "/public/search/", params={"q": random.choice(SAMPLE["fragments"])}, name="search name"
        )

    @task(2)
    def search_by_code(self) -> None:
        self.client.get(
            "/public/search/", params={"q": random.choice(SAMPLE["codes"])}, name="search code"
        )

    @task(3)
    def entity_page(self) -> None:
        code = random.choice(SAMPLE["codes"])
        self.client.get(f"/public/entities/{code}/", name="entity page")

    @task(1)
    def results(self) -> None:
        self.client.get("/public/results/", name="results list")
