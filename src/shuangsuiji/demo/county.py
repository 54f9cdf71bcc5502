"""The demo county 河南省信阳市新县 (411523): one import for everything a loader needs.

``entities(n, seed)`` streams market entities fast enough for ten-million-row benchmarks.
Same seed, same rows; and ``entities(n, seed)`` is always a prefix of
``entities(m, seed)`` for ``m > n``, so benchmark sizes share their head.

Why names and codes stay unique without remembering anything
-------------------------------------------------------------
Codes: see :mod:`.codes` (a counter through a bijection).

Names: every name is built as ``fixed parts + trade name + words + suffix``, where the
fixed parts and the word lists can be read back unambiguously (two-character area and
trade names; prefix-free township and word lists). Each *key* — enterprise: area +
industry word; individual business: township + shop word; cooperative: product word —
has its own counter ``c``. The trade name is ``pool[(c + offset) % len(pool)]`` over a
seeded shuffle of the pool and the *round* ``c // len(pool)`` becomes a suffix that real
registers use for the same purpose: a branch (新县红源茶业有限公司沙窝分公司), a shop
location (新县新集镇王记餐馆（将军路店）) or a cooperative branch (……专业合作社田铺分社).
Distinct ``(key, c)`` therefore always give distinct names; in a county-sized stream
(tens of thousands) suffixes are rare.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import date
from typing import NamedTuple

from .codes import code_maker, prefix_sum
from .departments import (
    COOPERATIVE,
    DEPARTMENT_BY_CODE,
    DEPARTMENTS,
    ENTERPRISE,
    INDIVIDUAL,
    DepartmentSpec,
    ItemSpec,
    all_items,
    items_for,
)
from .industries import INDUSTRIES, INDUSTRY_BY_CODE, Industry, check_word_lists
from .names import MOBILE_PREFIXES, expand, person_namer, shop_names, trade_names
from .people import DEMO_PEOPLE, REFERENCE_DATE, DemoPerson, InspectorRow, inspectors
from .places import (
    COUNTY_CODE,
    COUNTY_PREFIX,
    TOWNSHIP_BY_CODE,
    TOWNSHIPS,
    Township,
    branch_places,
    shop_places,
    township_named,
)

__all__ = [
    "DEMO_PEOPLE",
    "DEPARTMENTS",
    "DEPARTMENT_BY_CODE",
    "INDUSTRIES",
    "INDUSTRY_BY_CODE",
    "REFERENCE_DATE",
    "TOWNSHIPS",
    "TOWNSHIP_BY_CODE",
    "DemoPerson",
    "DepartmentSpec",
    "EntityRow",
    "Industry",
    "InspectorRow",
    "ItemSpec",
    "Township",
    "all_items",
    "entities",
    "inspectors",
    "items_for",
    "township_named",
]


class EntityRow(NamedTuple):
    """One market entity; field names match ``directory.Target`` (township by code)."""

    credit_code: str
    name: str
    kind: str  # 企业 / 个体工商户 / 农民专业合作社
    status: str  # 存续 / 注销 / 吊销 / 撤销 / 迁出
    legal_rep: str
    address: str
    township_code: str  # 9 digits, a key of TOWNSHIP_BY_CODE
    industry_code: str  # GB/T 4754-2017, a key of INDUSTRY_BY_CODE
    scope: str
    founded_on: date
    risk_class: str  # A / B / C / D
    abnormal_operation: bool  # on the abnormal-operation list (经营异常名录)
    phone: str

    @property
    def abnormal(self) -> bool:
        """Short alias of :attr:`abnormal_operation`."""
        return self.abnormal_operation


check_word_lists()  # the uniqueness argument above depends on it; fail at import if broken

# --- mix of the stream (shares are of the whole stream) -----------------------------------
SHARE_ENTERPRISE = 0.30
SHARE_INDIVIDUAL = 0.62  # the rest (8%) are farmer cooperatives
STATUS_CUTS = ((0.92, "存续"), (0.97, "注销"), (0.99, "吊销"), (0.992, "撤销"), (1.0, "迁出"))
RISK_CUTS = ((0.45, "A"), (0.80, "B"), (0.95, "C"), (1.0, "D"))
# P(abnormal | class): the abnormal list is both a cause and a symptom of high risk.
ABNORMAL_RATE = {"A": 0.005, "B": 0.02, "C": 0.12, "D": 0.30}
MALE_SHARE = 0.68  # of legal representatives

_AREAS = (("新县", 80), ("信阳", 12), ("河南", 8))  # enterprise name prefixes (行政区划)
_FORMS = (("有限公司", 85), ("有限责任公司", 12), ("股份有限公司", 3))
_FIRST_DAY = date(1995, 1, 1).toordinal()
_COOP_FIRST_DAY = date(2007, 7, 1).toordinal()  # 农民专业合作社法 took effect
_LAST_DAY = REFERENCE_DATE.toordinal() - 1
# Before these days new entities got no "MA" code (三证合一 2015-10-01, 两证整合 2016-12-01).
_ENT_REFORM = date(2015, 10, 1).toordinal()
_IND_REFORM = date(2016, 12, 1).toordinal()
_SCOPE_REFORM = date(2021, 3, 1).toordinal()  # standardised 经营范围 wording
_CN_ORDINALS = "〇一二三四五六七八九十"


def _cn(number: int) -> str:
    """Chinese numeral for 2..99 (二, 十一, 二十三); digits beyond."""
    if number <= 10:
        return _CN_ORDINALS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        head = "十" if tens == 1 else _CN_ORDINALS[tens] + "十"
        return head + (_CN_ORDINALS[ones] if ones else "")
    return str(number)


def _round_place(places: tuple[str, ...], rounds: int, offset: int) -> tuple[str, int]:
    """Place for round ``rounds`` ≥ 1 of a key, and its index: 沙窝, …, then 沙窝第二, …

    ``offset`` (per key) spreads the first branches of different keys over the places;
    for a fixed key the result is still one-to-one in ``rounds``.
    """
    cycle, index = divmod(rounds - 1 + offset % len(places), len(places))
    return (places[index] if cycle == 0 else places[index] + "第" + _cn(cycle + 1)), index


class _Tables:
    """Seed-independent lookup tables, built once on first use."""

    def __init__(self) -> None:
        self.industry_tables = [
            expand((i, ind.weights[kind]) for i, ind in enumerate(INDUSTRIES)) for kind in range(3)
        ]
        self.ent_words = _unique_words(i.ent_words for i in INDUSTRIES)
        self.shop_words = _unique_words(i.shop_words for i in INDUSTRIES)
        self.coop_words = _unique_words(i.coop_words for i in INDUSTRIES)
        self.ent_word_ids = [_ids(self.ent_words, i.ent_words) for i in INDUSTRIES]
        self.shop_word_ids = [_ids(self.shop_words, i.shop_words) for i in INDUSTRIES]
        self.coop_word_ids = [_ids(self.coop_words, i.coop_words) for i in INDUSTRIES]
        self.scopes = [(i.scope(False), i.scope(True)) for i in INDUSTRIES]
        self.areas = expand((i, weight) for i, (_, weight) in enumerate(_AREAS))
        self.forms = expand(_FORMS)
        self.towns = expand((i, t.weight) for i, t in enumerate(TOWNSHIPS))
        # Cooperatives sit in the countryside: the county seat's weight is cut to a fifth.
        self.coop_towns = expand(
            (i, max(1, t.weight // 5) if t.kind == "街道" or t.short == "新集" else t.weight)
            for i, t in enumerate(TOWNSHIPS)
        )
        self.branch_places = branch_places()
        self.shop_places = [shop_places(t) for t in TOWNSHIPS]
        self.trade_names = trade_names()
        self.shop_names = shop_names()


def _unique_words(groups: Iterable[tuple[str, ...]]) -> list[str]:
    return list(dict.fromkeys(word for group in groups for word in group))


def _ids(words: list[str], chosen: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(words.index(w) for w in chosen)


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


def entities(n: int, seed: int = 0) -> Iterator[EntityRow]:
    """Stream ``n`` market entities of the demo county, deterministically from ``seed``.

    About 30% enterprises (91…), 62% individual businesses (92…), 8% farmer cooperatives
    (93…); 92% 存续; risk classes A/B/C/D ≈ 45/35/15/5%; ~4% on the abnormal-operation
    list, concentrated in C and D. Credit codes and names are unique within the stream.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    tb = _tables()
    rng = random.Random(f"entities:{seed}")
    rnd = rng.random

    # Per-seed shuffles and offsets: which trade name a key starts at, code bijections.
    ent_pool = list(tb.trade_names)
    rng.shuffle(ent_pool)
    coop_pool = list(tb.trade_names)
    rng.shuffle(coop_pool)
    shop_pool = list(tb.shop_names)
    rng.shuffle(shop_pool)
    shop_pool_names = [name for name, _ in shop_pool]
    shop_pool_surnames = [surname or None for _, surname in shop_pool]
    n_ent_pool, n_coop_pool, n_shop_pool = len(ent_pool), len(coop_pool), len(shop_pool)

    n_ent_words, n_shop_words = len(tb.ent_words), len(tb.shop_words)
    ent_keys = len(_AREAS) * n_ent_words
    shop_keys = len(TOWNSHIPS) * n_shop_words
    ent_off = [int(rnd() * n_ent_pool) for _ in range(ent_keys)]
    shop_off = [int(rnd() * n_shop_pool) for _ in range(shop_keys)]
    coop_off = [int(rnd() * n_coop_pool) for _ in range(len(tb.coop_words))]
    ent_count = [0] * ent_keys
    shop_count = [0] * shop_keys
    coop_count = [0] * len(tb.coop_words)

    make_ma = code_maker("MA", rng)
    make_legacy = code_maker("legacy", rng)
    make_l = code_maker("L", rng)
    prefixes = [f"9{k}{COUNTY_CODE}" for k in "123"]
    prefix_sums = [prefix_sum(p) for p in prefixes]

    name_of = person_namer(rnd)
    ind_tables = tb.industry_tables
    ind_lens = [len(t) for t in ind_tables]
    areas = tb.areas
    area_names = tuple(a for a, _ in _AREAS)
    forms = tb.forms
    towns, coop_towns = tb.towns, tb.coop_towns
    n_towns, n_coop_towns, n_areas, n_forms = len(towns), len(coop_towns), len(areas), len(forms)
    town_codes = [t.code for t in TOWNSHIPS]
    town_names = [t.name for t in TOWNSHIPS]
    town_roads = [t.roads for t in TOWNSHIPS]
    town_villages = [t.villages for t in TOWNSHIPS]
    town_road_share = [t.road_share for t in TOWNSHIPS]
    ent_words, shop_words, coop_words = tb.ent_words, tb.shop_words, tb.coop_words
    ent_word_ids, shop_word_ids, coop_word_ids = tb.ent_word_ids, tb.shop_word_ids, tb.coop_word_ids
    place_names = tuple(p for p, _ in tb.branch_places)
    place_towns = tuple(t for _, t in tb.branch_places)
    shop_places_by_town = tb.shop_places
    industry_codes = [i.code for i in INDUSTRIES]
    scopes = tb.scopes
    numbers = [str(i) for i in range(400)]
    mobiles, n_mobiles = MOBILE_PREFIXES, len(MOBILE_PREFIXES)
    # bisect over the cumulative cut points turns one draw into a label in C.
    status_cuts = [cut for cut, _ in STATUS_CUTS]
    status_labels = [label for _, label in STATUS_CUTS]
    risk_cuts = [cut for cut, _ in RISK_CUTS]
    risk_labels = [label for _, label in RISK_CUTS]
    abnormal_rate = ABNORMAL_RATE
    share_ent = SHARE_ENTERPRISE
    share_ind = SHARE_ENTERPRISE + SHARE_INDIVIDUAL
    first_day, coop_first_day, last_day = _FIRST_DAY, _COOP_FIRST_DAY, _LAST_DAY
    span, coop_span = last_day - first_day, last_day - coop_first_day
    fromordinal = date.fromordinal

    for _ in range(n):
        u = rnd()
        surname: str | None = None
        if u < share_ent:
            kind_ix, kind = 0, ENTERPRISE
            ind = ind_tables[0][int(rnd() * ind_lens[0])]
            ids = ent_word_ids[ind]
            word = ids[int(rnd() * len(ids))]
            area = areas[int(rnd() * n_areas)]
            key = area * n_ent_words + word
            c = ent_count[key]
            ent_count[key] = c + 1
            name = (area_names[area] + ent_pool[(c + ent_off[key]) % n_ent_pool]
                    + ent_words[word] + forms[int(rnd() * n_forms)])  # fmt: skip
            rounds = c // n_ent_pool
            if rounds:
                place, p_ix = _round_place(place_names, rounds, ent_off[key])
                name += place + "分公司"
                town = place_towns[p_ix]
            else:
                town = towns[int(rnd() * n_towns)]
            founded = first_day + int(span * rnd() ** 0.5)
        elif u < share_ind:
            kind_ix, kind = 1, INDIVIDUAL
            ind = ind_tables[1][int(rnd() * ind_lens[1])]
            ids = shop_word_ids[ind]
            word = ids[int(rnd() * len(ids))]
            town = towns[int(rnd() * n_towns)]
            key = town * n_shop_words + word
            c = shop_count[key]
            shop_count[key] = c + 1
            x = (c + shop_off[key]) % n_shop_pool
            surname = shop_pool_surnames[x]
            name = "新县" + town_names[town] + shop_pool_names[x] + shop_words[word]
            rounds = c // n_shop_pool
            if rounds:
                place, _ = _round_place(shop_places_by_town[town], rounds, shop_off[key])
                name += "（" + place + "店）"
            founded = first_day + int(span * rnd() ** 0.5)
        else:
            kind_ix, kind = 2, COOPERATIVE
            ind = ind_tables[2][int(rnd() * ind_lens[2])]
            ids = coop_word_ids[ind]
            word = ids[int(rnd() * len(ids))]
            c = coop_count[word]
            coop_count[word] = c + 1
            name = ("新县" + coop_pool[(c + coop_off[word]) % n_coop_pool] + coop_words[word]
                    + "专业合作社")  # fmt: skip
            rounds = c // n_coop_pool
            if rounds:
                place, p_ix = _round_place(place_names, rounds, coop_off[word])
                name += place + "分社"
                town = place_towns[p_ix]
            else:
                town = coop_towns[int(rnd() * n_coop_towns)]
            founded = coop_first_day + int(coop_span * rnd() ** 0.5)

        # Credit code: the namespace follows the founding date (reform of the code system).
        if kind_ix == 1:
            maker = make_ma if founded >= _IND_REFORM else make_l
        else:
            maker = make_ma if founded >= _ENT_REFORM else make_legacy
        code = maker(prefixes[kind_ix], prefix_sums[kind_ix])

        v = rnd()
        status = status_labels[bisect(status_cuts, v)]
        v = rnd()
        risk = risk_labels[bisect(risk_cuts, v)]
        abnormal = rnd() < abnormal_rate[risk]

        legal_rep = name_of(surname, rnd() < MALE_SHARE)
        if rnd() < town_road_share[town]:
            roads = town_roads[town]
            spot = roads[int(rnd() * len(roads))] + numbers[1 + int(rnd() * 298)] + "号"
        else:
            villages = town_villages[town]
            spot = villages[int(rnd() * len(villages))] + "村" + numbers[1 + int(rnd() * 12)] + "组"
        address = COUNTY_PREFIX + town_names[town] + spot
        if kind_ix == 0 and rnd() < 0.25:
            phone = f"0376-29{int(rnd() * 100000):05d}"
        else:
            phone = mobiles[int(rnd() * n_mobiles)] + f"{int(rnd() * 100000000):08d}"
        yield EntityRow(
            code, name, kind, status, legal_rep, address, town_codes[town],
            industry_codes[ind], scopes[ind][founded >= _SCOPE_REFORM], fromordinal(founded),
            risk, abnormal, phone,
        )  # fmt: skip
