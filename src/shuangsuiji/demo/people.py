"""Inspectors (执法检查人员名录库) and the named demo logins of the demo county."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from .departments import DEPARTMENT_BY_CODE, DEPARTMENTS, DepartmentSpec
from .names import MOBILE_PREFIXES, person_namer
from .places import COUNTY_CODE

#: "Today" of the demo world: data is generated as of this day (the seed document's
#: anniversary), so certificate validity and founding dates do not drift with the clock.
REFERENCE_DATE = date(2026, 11, 28)

#: Henan law-enforcement certificates (河南省行政执法证) are issued for five years.
CERTIFICATE_YEARS = 5


class InspectorRow(NamedTuple):
    """One inspector; field names match ``directory.Inspector``."""

    name: str
    gender: str  # 男 / 女
    department_code: str
    position: str
    expertise: tuple[str, ...]
    certificate_no: str  # 豫 + county code + 2-digit issue year + 5-digit serial
    certificate_valid_from: date
    certificate_valid_to: date
    phone: str

    @property
    def valid_from(self) -> date:
        """Short alias of :attr:`certificate_valid_from`."""
        return self.certificate_valid_from

    @property
    def valid_to(self) -> date:
        """Short alias of :attr:`certificate_valid_to`."""
        return self.certificate_valid_to


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """A named demo login. ``role`` uses the values of ``organizations.Role``."""

    username: str
    name: str
    role: str  # county_supervisor / lead_admin / department_admin / inspector / system_admin
    department_code: str | None  # None for county-wide roles
    title: str  # what the person does, for the login page


DEMO_PEOPLE: list[DemoPerson] = [
    DemoPerson("duchashi", "余建国", "county_supervisor", None, "县政府督查室主任（督查）"),
    DemoPerson("sjadmin", "王丽华", "lead_admin", "SJ",
               "新县市场监督管理局信用监管股股长（牵头部门管理员）"),
    DemoPerson("wjadmin", "陈敏", "department_admin", "WJ",
               "新县卫生健康委员会卫生监督所副所长（部门管理员）"),
    DemoPerson("hbadmin", "刘洋", "department_admin", "HB",
               "信阳市生态环境局新县分局执法股股长（部门管理员）"),
    DemoPerson("zhangwei", "张伟", "inspector", "SJ", "新县市场监督管理局新集市场监管所执法人员"),
    DemoPerson("xufang", "许芳", "inspector", "SJ", "新县市场监督管理局八里畈市场监管所执法人员"),
    DemoPerson("sysadmin", "郑涛", "system_admin", None, "县大数据中心系统管理员"),
]  # fmt: skip


def _default_counts(codes: Sequence[str], total: int | None) -> dict[str, int]:
    """Inspectors per department: the realistic default, or ``total`` split in proportion."""
    base = {code: DEPARTMENT_BY_CODE[code].inspector_count for code in codes}
    if total is None:
        return base
    if total < 2 * len(codes):
        raise ValueError(f"total={total} leaves some department with fewer than 2 inspectors")
    weight = sum(base.values())
    # Largest-remainder apportionment, so the counts add up to exactly ``total``.
    exact = {code: total * n / weight for code, n in base.items()}
    counts = {code: max(2, int(x)) for code, x in exact.items()}
    by_remainder = sorted(codes, key=lambda c: (exact[c] - int(exact[c]), c), reverse=True)
    i = 0
    while sum(counts.values()) < total:
        counts[by_remainder[i % len(codes)]] += 1
        i += 1
    while sum(counts.values()) > total:
        code = max(codes, key=lambda c: (counts[c], c))
        counts[code] -= 1
    return counts


def _five_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - CERTIFICATE_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year - CERTIFICATE_YEARS, day=28)


def inspectors(
    department_codes: Sequence[str] | None = None,
    n_per_department: int | Mapping[str, int] | None = None,
    *,
    total: int | None = None,
    seed: int = 0,
    today: date = REFERENCE_DATE,
) -> Iterator[InspectorRow]:
    """Inspectors of the given departments (default: all), department by department.

    Without counts each department gets its realistic size (198 in all). About 8% of
    certificates expired before ``today`` and about 4% expire within 45 days, so the
    draw's "valid certificate only" rule and the renewal reminders have work to do.
    Certificate numbers are unique across one call.
    """
    codes = [d.code for d in DEPARTMENTS] if department_codes is None else list(department_codes)
    for code in codes:
        if code not in DEPARTMENT_BY_CODE:
            raise KeyError(code)
    if isinstance(n_per_department, int):
        counts = dict.fromkeys(codes, n_per_department)
    elif n_per_department is not None:
        counts = {code: n_per_department[code] for code in codes}
    else:
        counts = _default_counts(codes, total)

    rng = random.Random(f"inspectors:{seed}")
    rnd = rng.random
    name_of = person_namer(rnd)
    serial = 0
    for code in codes:
        dept = DEPARTMENT_BY_CODE[code]
        for _ in range(counts[code]):
            serial += 1
            yield _inspector(dept, serial, rng, name_of, today)


def _inspector(
    dept: DepartmentSpec,
    serial: int,
    rng: random.Random,
    name_of: Callable[[str | None, bool], str],
    today: date,
) -> InspectorRow:
    rnd = rng.random
    male = rnd() < (0.62 if dept.code in ("SJ", "WJ", "SW") else 0.75)
    name = name_of(None, male)
    # Commoner positions first: squaring the draw favours the head of the list.
    position = dept.positions[int(rnd() ** 2 * len(dept.positions))]
    expertise = tuple(rng.sample(dept.expertise, k=min(len(dept.expertise), 1 + int(rnd() * 3))))
    u = rnd()
    if u < 0.08:  # expired up to ~13 months ago
        valid_to = today - timedelta(days=1 + int(rnd() * 400))
    elif u < 0.12:  # expiring soon
        valid_to = today + timedelta(days=int(rnd() * 45))
    else:  # the rest of a five-year term, leaving its start in the past
        valid_to = today + timedelta(days=46 + int(rnd() * (CERTIFICATE_YEARS * 365 - 80)))
    valid_from = _five_years_before(valid_to) + timedelta(days=1)
    certificate_no = f"豫{COUNTY_CODE}{valid_from.year % 100:02d}{serial:05d}"
    phone = MOBILE_PREFIXES[int(rnd() * len(MOBILE_PREFIXES))] + f"{int(rnd() * 1e8):08d}"
    return InspectorRow(
        name, "男" if male else "女", dept.code, position, expertise, certificate_no,
        valid_from, valid_to, phone,
    )  # fmt: skip
