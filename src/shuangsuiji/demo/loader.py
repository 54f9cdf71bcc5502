"""Loading the demo county into the database.

Reference data (regions, departments, people, items, inspectors) goes through the ORM in one
transaction with its audit row.  Market entities are bulk-loaded: PostgreSQL ``COPY`` and
SQLite ``executemany`` in batches, never row-by-row ORM saves, so the 10-million-entity
county for benchmarks loads in minutes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.db import connection, transaction

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.organizations.models import Department, Region, RoleAssignment, User

from . import county as gen
from .activity import generate_activity

DEMO_PASSWORD = "Xinxian@2026"
COUNTY_CODE = "411523"


def demo_loaded() -> bool:
    return Region.objects.filter(code=COUNTY_CODE).exists()


def ensure_demo_loaded(
    *, size: int = 30_000, seed: int = 411523, progress: bool = False, activity: bool = True
) -> bool:
    """Load the demo county unless it is already there.  Returns True if it loaded."""
    if demo_loaded():
        if progress:
            print("演示县已存在，跳过加载 (demo county already loaded)", file=sys.stderr)
        return False
    load_demo(size=size, seed=seed, progress=progress, activity=activity)
    return True


def load_demo(*, size: int, seed: int, progress: bool = False, activity: bool = True) -> None:
    """Load the demo county; with ``activity``, also a year of plans, tasks, draws and
    results (see :mod:`.activity`)."""
    started = time.monotonic()
    with transaction.atomic():
        county = _load_reference(seed)
    _load_entities(county, size=size, seed=seed, progress=progress)
    with transaction.atomic():
        chain.record(
            actor=None,
            action="demo.load",
            object_type="organizations.Region",
            object_id=county.pk,
            payload={"county": county.code, "entities": size, "seed": seed},
        )
    if activity:
        generate_activity(seed=seed, progress=progress)
    if progress:
        print(
            f"演示县加载完成 demo county loaded in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )


def _load_reference(seed: int) -> Region:
    henan = Region.objects.create(code="410000", name="河南省", full_name="河南省")
    xinyang = Region.objects.create(
        code="411500", name="信阳市", full_name="河南省信阳市", parent=henan
    )
    county = Region.objects.create(
        code=COUNTY_CODE, name="新县", full_name="河南省信阳市新县", parent=xinyang
    )
    Region.objects.bulk_create(
        Region(code=t.code, name=t.name, full_name=f"河南省信阳市新县{t.name}", parent=county)
        for t in gen.TOWNSHIPS
    )
    departments: dict[str, Department] = {}
    for spec in gen.DEPARTMENTS:
        dept = Department(
            region=county,
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            is_lead=spec.is_lead,
            sort_order=spec.sort_order,
        )
        dept.path = dept.compute_path()
        dept.save()
        departments[spec.code] = dept

    for spec in gen.DEPARTMENTS:
        InspectionItem.objects.bulk_create(
            InspectionItem(
                department=departments[spec.code],
                code=item.code,
                name=item.name,
                legal_basis=item.legal_basis,
                inspecting_body=item.inspecting_body,
                content=item.content,
                method=item.method,
                target_kind="、".join(item.target_kinds),
                is_key=item.is_key,
                # The demo county has published its lists, as every county must by 31 Dec.
                is_published=True,
            )
            for item in gen.items_for(spec.code)
        )

    inspectors = [
        Inspector(
            department=departments[row.department_code],
            name=row.name,
            gender=row.gender,
            position=row.position,
            expertise=list(row.expertise),
            certificate_no=row.certificate_no,
            certificate_valid_from=row.certificate_valid_from,
            certificate_valid_to=row.certificate_valid_to,
            phone=row.phone,
        )
        for row in gen.inspectors(seed=seed)
    ]
    Inspector.objects.bulk_create(inspectors, batch_size=500)

    for person in gen.DEMO_PEOPLE:
        home = departments[person.department_code] if person.department_code else None
        user = User.objects.create_user(
            username=person.username,
            password=DEMO_PASSWORD,
            display_name=person.name,
            first_name=person.name,
            department=home,
            is_staff=person.role == "system_admin",
        )
        RoleAssignment.objects.create(user=user, role=person.role, department=home)
        if person.role == "inspector" and home is not None:
            _link_inspector(user, home, person.name)

    chain.record(
        actor=None,
        action="demo.reference",
        object_type="organizations.Region",
        object_id=county.pk,
        payload={"departments": len(departments), "inspectors": len(inspectors), "seed": seed},
    )
    return county


def _link_inspector(user: User, dept: Department, name: str) -> None:
    """Give a demo inspector login its own directory record: the first unlinked inspector
    of the department with a valid certificate takes the person's name."""
    record = (
        Inspector.objects.filter(
            department=dept, user__isnull=True, certificate_valid_to__gte=gen.REFERENCE_DATE
        )
        .order_by("pk")
        .first()
    )
    if record is not None:
        record.user, record.name = user, name
        record.save(update_fields=["user", "name"])


TARGET_COLUMNS = (
    "region_id",
    "credit_code",
    "name",
    "kind",
    "status",
    "legal_rep",
    "address",
    "township_id",
    "industry_code",
    "scope",
    "founded_on",
    "risk_class",
    "abnormal_operation",
    "phone",
    "flags",
)


def _rows(county: Region, size: int, seed: int) -> Iterator[tuple[Any, ...]]:
    # Looked up before the first row is asked for: a query on the connection in the middle
    # of a COPY would wait for the COPY forever.
    townships = dict(Region.objects.filter(parent=county).values_list("code", "pk"))
    return _row_tuples(county.pk, townships, size, seed)


def _row_tuples(
    county_id: int, townships: dict[str, int], size: int, seed: int
) -> Iterator[tuple[Any, ...]]:
    for e in gen.entities(size, seed):
        yield (
            county_id, e.credit_code, e.name, e.kind, e.status, e.legal_rep, e.address,
            townships.get(e.township_code), e.industry_code, e.scope, e.founded_on,
            e.risk_class, e.abnormal_operation, e.phone, "[]",
        )  # fmt: skip


def _batches(rows: Iterable[tuple[Any, ...]], n: int) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while batch := list(islice(it, n)):
        yield batch


def _load_entities(county: Region, *, size: int, seed: int, progress: bool) -> None:
    table = Target._meta.db_table
    done = 0
    step = max(size // 20, 10_000)
    next_report = step

    def report(n: int) -> None:
        nonlocal next_report
        if progress and n >= next_report:
            print(f"  市场主体 entities: {n:,}/{size:,}", file=sys.stderr, flush=True)
            next_report += step

    with transaction.atomic(), _gin_indexes_suspended(large=size >= 100_000):
        if connection.vendor == "postgresql":
            cols = ", ".join(TARGET_COLUMNS)
            with connection.cursor() as cur:
                raw: Any = cur.cursor  # the psycopg cursor, for COPY
                rows = _rows(county, size, seed)
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        done += 1
                        if done % 10_000 == 0:
                            report(done)
        else:
            placeholders = ", ".join(["%s"] * len(TARGET_COLUMNS))
            sql = f"INSERT INTO {table} ({', '.join(TARGET_COLUMNS)}) VALUES ({placeholders})"  # nosec B608 - constant table and column names; values are bound
            with connection.cursor() as cur:
                for batch in _batches(_rows(county, size, seed), 5000):
                    cur.executemany(sql, batch)
                    done += len(batch)
                    report(done)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {table}")


@contextmanager
def _gin_indexes_suspended(*, large: bool) -> Iterator[None]:
    """For a large load into PostgreSQL, drop the target table's GIN indexes (the name
    search index) and build them again afterwards: one sorted build is many times faster
    than updating a GIN index row by row.  The definitions are read back from the catalog,
    so the migration stays the one place that defines them."""
    if connection.vendor != "postgresql" or not large:
        yield
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [Target._meta.db_table, "% USING gin %"],
        )
        indexes = cur.fetchall()
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cur:
        # Django's foreign keys are deferred; check them now, as PostgreSQL will not build
        # an index on a table with pending constraint checks.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cur.execute(definition)


def print_logins(*, port: int) -> None:
    print()
    print("=" * 72)
    print(
        f" 双随机一公开 Shuangsuiji 演示县 demo county: 河南省信阳市新县 — http://127.0.0.1:{port}/"
    )
    print(f" 演示账号 demo logins (密码 password for all: {DEMO_PASSWORD})")
    print("-" * 72)
    for person in gen.DEMO_PEOPLE:
        print(f"  {person.username:<10} {person.name:<4}  {person.title}")
    print("=" * 72, flush=True)
