"""Credit fixtures: market entities of 新县 in the register, the seeded lists and rules, and
files written the way a clerk's spreadsheet would be."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from shuangsuiji.credit.models import CreditList
from shuangsuiji.demo import county as gen
from shuangsuiji.directory.models import Target
from shuangsuiji.directory.uscc import make_uscc
from tests.conftest import County

#: A valid code of an entity outside the register (another county's company).
OUTSIDER = make_uscc("9", "1", "411502", "MA9XK2L7")


@dataclass
class Register:
    county: County
    targets: list[Target]

    def lst(self, code: str) -> CreditList:
        return CreditList.objects.get(code=code)

    @property
    def today(self) -> dt.date:
        return timezone.localdate()


def make_targets(county: County, n: int, seed: int = 8) -> list[Target]:
    rows = [
        Target(
            region=county.region,
            credit_code=e.credit_code,
            name=e.name,
            kind=e.kind,
            status="存续",
            legal_rep=e.legal_rep,
            address=e.address,
            industry_code="H6210",
            scope=e.scope,
            founded_on=e.founded_on,
            risk_class="B",
            abnormal_operation=False,
        )
        for e in gen.entities(n, seed=seed)
    ]
    return Target.objects.bulk_create(rows)


@pytest.fixture
def register(county: County) -> Register:
    return Register(county, make_targets(county, 12))


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


# Fixtures of the task and result tests, for the freeze and the proposals.
from tests.results.conftest import Dispatched, dispatched  # noqa: E402,F401
from tests.tasks.conftest import Scenario, scenario  # noqa: E402,F401

RISK_HEADER = ["统一社会信用代码", "信用风险分类", "分类日期"]
