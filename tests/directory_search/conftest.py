"""A small directory of 新县 for the search tests: three townships and a dozen market
entities whose names share two- and three-character trade names (鑫源, 源鑫, 鑫源商 …)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from shuangsuiji.directory import search
from shuangsuiji.directory.models import Target
from shuangsuiji.directory.uscc import make_uscc
from shuangsuiji.organizations.models import Region
from tests.conftest import County

KIND_CODES = {"企业": "1", "个体工商户": "2", "农民专业合作社": "3"}
_serial = itertools.count(1)


def credit_code(kind: str, serial: int) -> str:
    return make_uscc("9", KIND_CODES.get(kind, "9"), "411523", f"MA4{serial:05d}")


# key: (name, kind, township key or None, risk, status, industry)
ROWS: dict[str, tuple[str, str, str | None, str, str, str]] = {
    "xinyuan_trade": ("新县鑫源商贸有限公司", "企业", "xinji", "A", "存续", "F5212"),
    "xinyuan_tea": ("新县鑫源茶业有限公司", "企业", "balifan", "B", "存续", "C1530"),
    "hongda": ("新县宏达建材有限公司", "企业", "xinji", "C", "注销", "F5165"),
    "wangji": ("新县新集镇王记餐馆", "个体工商户", "xinji", "B", "存续", "H6210"),
    "yuanxin_coop": (
        "新县八里畈镇源鑫茶叶种植专业合作社", "农民专业合作社", "balifan", "D", "存续", "A0169"
    ),
    "zhangxin": ("新县泗店乡张鑫小吃店", "个体工商户", "sidian", "A", "存续", "H6291"),
    "ktv": ("新县红星KTV娱乐有限公司", "企业", None, "B", "吊销", "R9011"),
    "li_xinyuan": ("新县泗店乡李鑫源", "个体工商户", "sidian", "C", "存续", "F5291"),
    "noodles": ("新县100%纯手工面馆", "个体工商户", "xinji", "B", "存续", "H6224"),
    "underscore": ("新县A_B汽车美容店", "个体工商户", "balifan", "A", "存续", "O8111"),
    "hongyuan": ("新县红源茶业有限公司", "企业", "balifan", "A", "存续", "C1530"),
    "dabie": ("新县大别山红色旅游开发有限公司", "企业", "sidian", "B", "存续", "N7852"),
}  # fmt: skip


@dataclass
class Directory:
    county: County
    townships: dict[str, Region]
    targets: dict[str, Target]

    def ids(self, *keys: str) -> set[int]:
        return {self.targets[k].pk for k in keys}

    def add(
        self,
        name: str,
        kind: str = "企业",
        township: str | None = "xinji",
        risk: str = "B",
        status: str = "存续",
        industry: str = "F5212",
    ) -> Target:
        return Target.objects.create(
            region=self.county.region,
            credit_code=credit_code(kind, next(_serial) + 50_000),
            name=name,
            kind=kind,
            township=self.townships[township] if township else None,
            risk_class=risk,
            status=status,
            industry_code=industry,
            address=f"河南省信阳市新县{name[2:5]}路1号",
        )


def build_directory(county: County) -> Directory:
    townships = {
        key: Region.objects.create(
            code=code, name=name, full_name=f"河南省信阳市新县{name}", parent=county.region
        )
        for key, code, name in [
            ("xinji", "411523001", "新集镇"),
            ("balifan", "411523102", "八里畈镇"),
            ("sidian", "411523201", "泗店乡"),
        ]
    }
    d = Directory(county, townships, {})
    for serial, (key, (name, kind, town, risk, status, industry)) in enumerate(ROWS.items()):
        d.targets[key] = Target.objects.create(
            region=county.region,
            credit_code=credit_code(kind, serial + 1),
            name=name,
            kind=kind,
            township=townships[town] if town else None,
            risk_class=risk,
            status=status,
            industry_code=industry,
            legal_rep="许建国",
            address="河南省信阳市新县新集镇将军路18号",
        )
    return d


@pytest.fixture(
    params=[
        {},
        {"pair_share": 0.5, "WALK_MIN_IDS": 2, "SQLITE_FIRST_CHUNK": 1},
        {"pair_share": 0.001, "WINDOW_MATCHES": 0.01, "SQLITE_FIRST_CHUNK": 2},
    ],
    ids=["as-shipped", "walks", "index-windows"],
)
def search_sizes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL name search walks the id order or asks the index, window by window, as
    the pairs' frequencies say; SQLite reads its FTS tables in chunks.  A dozen rows would
    take one path in one go, so these settings drive every path: every pair in half of the
    rows (walks of a few ids), or rare (index windows of one bucket)."""
    params = dict(request.param)
    share = params.pop("pair_share", None)
    monkeypatch.setattr(search, "_pair_stats", {})
    if share is not None:
        fake = search._PairStats({}, share, 1000.0, 0.0)
        monkeypatch.setattr(search, "_pair_stats_for", lambda alias: fake)
    for name, value in params.items():
        monkeypatch.setattr(search, name, value)


@pytest.fixture
def directory(county: County, db: Any) -> Directory:
    return build_directory(county)
