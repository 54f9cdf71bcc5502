"""A year of work in the demo county 新县: plans, tasks, draws, results and what follows.

:func:`generate_activity` runs after :func:`.loader.load_demo` has put the departments,
items, inspectors and market entities in place.  It gives most departments the year a
county office has: target libraries set up and item lists published in December, annual
plans filed in January (one department late, one not at all, one idle all year), random
tasks spread over the months with their freezes, public draws (a few redrawn, with the
reason), matchings (a few recusals), dispatches, a couple of targeted checks, and the
results: most published on time, some late, some overdue and still unpublished, some
returned and corrected, some awaiting review, with follow-ups and referrals to other
departments.  The named logins get work to look at: 张伟 (zhangwei) and 许芳 (xufang) each
have dispatched assignments whose result is still to be entered, and 王丽华 (sjadmin) and
陈敏 (wjadmin) have results in their review queues.

Through the services
--------------------
Every row is written by the service a user's click would call (``plan_create``,
``task_freeze``, ``task_draw``, ``result_save``, ``result_publish``, ``followup_create`` …),
so the rows keep the services' invariants and every step has its audit row.  Only what
the services do not own is inserted directly: login accounts for the department
administrators who have no named demo login and for the inspectors (the results must be
entered by an inspector on the target's team, "谁检查、谁录入").  These accounts have no
usable password; only the named demo logins log in.

Dates: played now, then back-dated
-----------------------------------
The services stamp "now" on what they write and refuse dates in the future, so the year is
played at load time, and afterwards the date fields of the domain rows themselves are set
with plain ``QuerySet.update()`` calls to the day each step happened in the demo's story
(a task's ``created_at``, the freeze's ``frozen_at``, the draw's ``drawn_at``, a result's
``submitted_at``, a publication's ``published_on`` and its credit entry's ``entry_date`` …).
Dates the services take as input (task periods, inspection and result dates) are given
directly, so each result's publication deadline is the service's own.  A publication's
``late`` and ``working_days_late`` (and its result part's ``late_working_days``) are
recomputed from the back-dated day with the working-day calendar, so the on-time figures
agree with the dates shown.  Nothing is dated after ``today``.

The audit chain is never touched.  **Demo audit timestamps are the load time**, not the
story's dates, and values the services computed from the clock into audit payloads (a
plan submission's ``late`` flag, a publication's ``late_working_days``) are those of the
load day.  ``verify_chain()`` holds.

Determinism
-----------
Everything follows from ``random.Random`` seeded with ``seed`` and ``year``.  The draw
services take their secret from the operating system's CSPRNG; while the demo is generated
that one function is replaced by a secret derived from the seed (the commitment is still
published before the draw and the secret revealed with it, so every draw verifies), so the
same seed (and the same ``today``) gives the same task numbers, drawn targets, teams and
results.  A secret derived from a known seed is no secret: acceptable for the demo county
only, never for a real one.

Size
----
Targets per task and tasks per department grow with the county up to the 30,000-entity
demo; a 300-entity county (the browser tests) gets a handful of small tasks.  Freezing
reads a department's whole library, so a county of millions of entities (the benchmarks)
should be loaded with ``activity=False``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from shuangsuiji.audit import chain
from shuangsuiji.credit.models import AbnormalProposal, CreditRecordEntry
from shuangsuiji.directory import library_changes, publishing
from shuangsuiji.directory.library import library_members
from shuangsuiji.directory.models import (
    InspectionItem,
    Inspector,
    InspectorStatus,
    ItemListVersion,
    RegistrationStatus,
    Target,
    TargetLibrary,
)
from shuangsuiji.errors import DomainError
from shuangsuiji.organizations.models import Department, Region, Role, RoleAssignment, User
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import AnnualPlan, PlanAmendment
from shuangsuiji.results import selectors as result_selectors
from shuangsuiji.results import services as result_services
from shuangsuiji.results.models import (
    PUBLICATION_WORKING_DAYS,
    Confidentiality,
    FollowUp,
    FollowUpAction,
    ItemOutcome,
    Publication,
    Reminder,
    Result,
    ResultCategory,
    ResultStatus,
)
from shuangsuiji.tasks import services as task_services
from shuangsuiji.tasks.models import (
    Assignment,
    Commitment,
    Draw,
    DrawnTarget,
    Freeze,
    Matching,
    Recusal,
    TargetedCheck,
    TargetedSource,
    Task,
    TaskStatus,
)
from shuangsuiji.tasks.services.other import targeted_check_create
from shuangsuiji.workdays.calendar import WorkCalendar, load_calendar

from . import county as gen
from .departments import DepartmentSpec, ItemSpec
from .names import person_namer
from .places import COUNTY_CODE

#: The county size whose activity is "full"; smaller counties get proportionally less.
FULL_SIZE = 30_000
#: Draw weight per credit risk class when a task's count is shared out (D-heavy, R7).
RISK_WEIGHTS = {"A": 1, "B": 2, "C": 4, "D": 10}
RISK_CLASSES = "ABCD"

_NAMED_ADMINS = {
    p.department_code: p.username
    for p in gen.DEMO_PEOPLE
    if p.role in (Role.LEAD_ADMIN, Role.DEPARTMENT_ADMIN) and p.department_code
}
_NAMED_INSPECTORS = [p.username for p in gen.DEMO_PEOPLE if p.role == Role.INSPECTOR]
#: Departments whose named logins must find work: always active and on time.
_SPOTLIGHT = tuple(_NAMED_ADMINS)
#: Departments whose reviewers find results waiting for them.
_REVIEW_QUEUES = tuple(
    p.department_code
    for p in gen.DEMO_PEOPLE
    if p.username in ("sjadmin", "wjadmin") and p.department_code
)


@dataclass
class ActivitySummary:
    """What :func:`generate_activity` left in the database (counted there at the end)."""

    year: int = 0
    today: dt.date | None = None
    accounts: int = 0
    libraries: int = 0
    item_lists: int = 0
    plans: int = 0
    plans_late: int = 0
    departments_without_plan: int = 0
    amendments: int = 0
    tasks: int = 0
    tasks_by_status: dict[str, int] = field(default_factory=dict)
    draws: int = 0
    redraws: int = 0
    recusals: int = 0
    drawn_targets: int = 0
    targeted_checks: int = 0
    results: int = 0
    results_by_status: dict[str, int] = field(default_factory=dict)
    published_late: int = 0
    overdue: int = 0
    returned_then_published: int = 0
    withheld: int = 0
    to_do: int = 0
    follow_ups: int = 0
    follow_ups_closed: int = 0
    referrals: int = 0

    def as_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["today"] = self.today.isoformat() if self.today else None
        return data

    def lines(self) -> list[str]:
        return [
            f"  年度活动 activity {self.year} (as of {self.today}): "
            f"{self.plans} plans ({self.plans_late} late, "
            f"{self.departments_without_plan} departments without), "
            f"{self.tasks} tasks {self.tasks_by_status}",
            f"  draws {self.draws} (+{self.redraws} redraws), {self.recusals} recusals, "
            f"{self.drawn_targets} drawn, {self.targeted_checks} targeted checks",
            f"  results {self.results} {self.results_by_status}: {self.published_late} "
            f"published late, {self.overdue} overdue, {self.returned_then_published} "
            f"returned and corrected, {self.withheld} with withheld text, {self.to_do} to do",
            f"  follow-ups {self.follow_ups} ({self.follow_ups_closed} closed, "
            f"{self.referrals} referrals), accounts {self.accounts}",
        ]


def generate_activity(
    *,
    seed: int,
    year: int = 2026,
    today: dt.date | None = None,
    progress: bool = False,
) -> ActivitySummary:
    """Give the loaded demo county a year of activity up to ``today`` (default: the local
    date; never later than it, as the services refuse future dates); deterministic for a
    given ``seed``, ``year`` and ``today``.  One transaction: nothing half-done stays behind
    if a step fails.  A year is played once (DomainError if the county has plans or tasks
    for it already)."""
    local = timezone.localdate()
    asked = today or local
    # The services refuse future dates, so the story cannot run past the real clock.
    end = min(asked, local, dt.date(year, 12, 31))
    started = timezone.now()
    with transaction.atomic(), _seeded_secrets(seed, year):
        story = _Story(seed=seed, year=year, end=end, progress=progress)
        story.run()
        summary = story.summary()
        chain.record(
            actor=None,
            action="demo.activity",
            object_type="organizations.Region",
            object_id=story.county.pk,
            payload={"seed": seed, **summary.as_payload()},
        )
    if progress:
        seconds = (timezone.now() - started).total_seconds()
        for line in summary.lines():
            print(line, file=sys.stderr)
        print(f"  年度活动生成 activity generated in {seconds:.1f} s", file=sys.stderr, flush=True)
    return summary


@contextmanager
def _seeded_secrets(seed: int, year: int) -> Iterator[None]:
    """Draw secrets derived from the seed while the demo is generated (see the module
    docstring).  Patched where the task services look the function up, so nothing else in
    the process is affected, and restored afterwards whatever happens."""
    counter = 0

    def secret() -> str:
        nonlocal counter
        counter += 1
        return hashlib.sha256(f"shuangsuiji-demo:{seed}:{year}:{counter}".encode()).hexdigest()

    freeze = importlib.import_module("shuangsuiji.tasks.services.freeze")
    draw = importlib.import_module("shuangsuiji.tasks.services.draw")
    with (
        mock.patch.object(freeze, "new_secret", secret),
        mock.patch.object(draw, "new_secret", secret),
    ):
        yield


# --- what the demo's people write ------------------------------------------------------

_CN = "〇一二三四五六七八九十"
#: What each department supervises, for task names (2026年卫生健康领域“双随机、一公开”抽查).
_DOMAINS = {"SJ": "市场监管", "HB": "生态环境", "YJ": "安全生产", "WJ": "卫生健康",
            "JT": "交通运输", "ZJ": "住房城乡建设", "WL": "文化旅游", "NY": "农业农村",
            "ZR": "自然资源", "JY": "教育体育", "RS": "劳动保障", "SW": "税收征管",
            "SH": "商务", "GA": "治安管理"}  # fmt: skip

_WITNESSES = ("县人大代表", "县政协委员", "企业代表", "县融媒体中心记者", "社会监督员")
_REDRAW_REASONS = (
    "摇号直播信号中断，公众未能见证抽取过程，经局务会研究决定按程序重新摇号",
    "见证人提供的随机数未当场公开记录，为保证程序公正，经批准重新摇号",
    "摇号现场监督人员临时离场，抽取过程缺少全程监督，依规重新摇号",
)
_RECUSAL_REASONS = (
    "本人配偶在该单位任职，依法申请回避",
    "该单位法定代表人系本人表兄，存在利害关系，申请回避",
    "本人曾参与办理该单位的行政处罚案件，为保证检查公正申请回避",
    "本人近亲属持有该单位股份，申请回避",
)
_ADHOC_REASONS = (
    "根据县政府安全生产专项整治工作部署，开展计划外专项抽查，计划调整将报县政府备案",
    "根据上级部门专项检查通知要求，开展计划外双随机抽查",
)
_RETURNS = (
    ("检查情况描述过于简单，请写明检查的具体内容和依据后重新提交。", "basis"),
    ("未写明检查时该单位在场人员，请补充后重新提交。", "present"),
    ("检查日期与现场检查笔录记载不一致，请核实更正。", "date"),
)
_METHOD_OPENINGS = {
    "书面检查": "经书面审查该单位报送的材料，核查{content}，",
    "实地核查": "执法人员出示执法证件后对该单位经营场所进行实地核查，检查{content}，",
    "网络监测": "通过网络监测核查该单位{content}，",
    "专业机构核查": "委托第三方专业机构对该单位{content}进行核查，",
}
#: Problems inspectors find, by department: ordered to correct (责令改正) or pending.
_PROBLEMS = {
    "SJ": ("进货查验记录不完整，部分预包装食品无法提供供货者资质证明",
           "未在经营场所醒目位置公示营业执照和许可证件", "部分商品未明码标价，价签标示内容不全",
           "部分从业人员健康证明已过期", "发布的宣传单中含有“最佳”“第一”等绝对化用语"),
    "HB": ("污染防治设施运行台账记录不全", "危险废物贮存场所未设置识别标志",
           "未按排污许可证要求开展自行监测", "餐饮油烟净化设施未定期清洗维护"),
    "YJ": ("安全生产责任制未覆盖全部岗位", "隐患排查治理台账记录不完整",
           "生产安全事故应急预案未按规定组织演练", "危险化学品储存区域未设置安全警示标志"),
    "WJ": ("部分从业人员未取得有效健康证明", "公共用品用具清洗消毒记录不全",
           "未按规定开展年度卫生检测", "医疗废物暂存点未设置警示标识，交接登记不完整"),
    "JT": ("车辆技术档案记录不全", "部分驾驶员未按期参加继续教育",
           "维修档案未按规定建立", "动态监控平台值守记录缺失"),
    "ZJ": ("施工现场专职安全生产管理人员配备不足", "物业服务收费项目未按规定公示",
           "燃气气瓶充装记录不完整", "危大工程专项施工方案未按规定论证"),
    "WL": ("旅游合同签订不规范", "未落实上网消费者实名登记制度",
           "未按规定悬挂未成年人禁入标志", "消防通道堆放杂物"),
    "NY": ("农药经营台账记录不全", "限制使用农药未实行定点经营",
           "种子标签标注内容不规范", "畜禽免疫档案记录不完整"),
    "ZR": ("未按批准用途使用土地", "矿山地质环境治理方案未按期落实",
           "林木采伐超出采伐许可证规定范围"),
    "JY": ("培训收费项目和标准未在场所醒目位置公示", "游泳场所救生员配备不足",
           "预收费未按规定存入监管账户"),
    "RS": ("未与部分劳动者签订书面劳动合同", "工资支付台账记录不完整",
           "未按规定开设农民工工资专用账户"),
    "SW": ("未按期办理纳税申报", "发票开具内容与实际经营业务不符", "账簿设置不规范"),
    "SH": ("单用途预付卡未按规定备案", "再生资源回收台账记录不全", "成品油进销存台账不完整"),
    "GA": ("旅客住宿登记信息不全", "废旧金属收购登记信息不全", "上网日志留存不足60日"),
}  # fmt: skip
#: Findings outside the inspecting department's remit, by the department they go to (R9).
_REFERRALS = {
    "SJ": ("销售的部分预包装食品已超过保质期", "超出登记的经营范围从事经营活动"),
    "YJ": ("经营场所内违规存放液化石油气钢瓶，存在安全隐患",),
    "HB": ("后厨油烟未经净化直接排放",),
    "WJ": ("从业人员未取得有效健康证明即上岗",),
    "RS": ("拖欠部分务工人员工资",),
}
#: Whose personal data an inspection reads, by the target's industry (withheld as privacy).
_PRIVATE_RECORDS = {"Q84": "患者", "H61": "住宿旅客", "P8": "学员", "R89": "会员"}
_DISCLOSURE_FIELDS = ("从业人数和资产总额", "对外投资情况", "股东出资情况", "网站网店信息")
_UNREACHABLE = (
    "现场已改作民居",
    "大门紧锁，周边住户反映该单位已搬离一年以上",
    "现场为空置门面，张贴有“旺铺转让”告示",
    "该地址现为另一家单位使用",
)
_PHONE_STATES = ("无人接听", "提示为空号", "已停机")


def _cn(n: int) -> str:
    return _CN[n] if n <= 10 else str(n)


def _core(item_name: str) -> str:
    """The subject of an item name: 公共场所卫生监督检查 → 公共场所卫生."""
    for suffix in ("监督检查", "检查", "抽查"):
        if item_name.endswith(suffix):
            return item_name[: -len(suffix)]
    return item_name


# --- the story -------------------------------------------------------------------------


@dataclass
class _Dept:
    row: Department
    spec: DepartmentSpec
    admin: User
    items: list[InspectionItem]
    role: str = "regular"  # regular / late (plan filed late) / adhoc (no plan) / idle
    tasks: int = 0  # regular random tasks in the year
    strata: Counter[str] | None = None  # active library members per risk class
    library: TargetLibrary | None = None
    plan: AnnualPlan | None = None
    plan_approved: dt.date | None = None
    task_names: Counter[str] = field(default_factory=Counter)

    @property
    def code(self) -> str:
        return self.spec.code


@dataclass
class _TaskSpec:
    dept: _Dept
    items: list[InspectionItem]
    size: int
    created: dt.date
    period_days: int
    required_expertise: tuple[str, ...] = ()
    inspector_cap: int = 20
    extra_tickets_abnormal: int = 1
    redraw: bool = False
    recusals: int = 0
    enter_results: bool = True
    hold_one: bool = False  # keep one result waiting for review (the reviewer's queue)
    quick: bool = False  # freeze, draw, match and dispatch on consecutive working days
    fixed_start: dt.date | None = None
    fixed_end: dt.date | None = None


@dataclass(eq=False)
class _Slot:
    """A drawn target whose inspection has happened by the end of the story."""

    task: Task
    spec: _TaskSpec
    target: Target
    team: list[Inspector]
    inspected: dt.date
    result_day: dt.date
    deadline: dt.date
    fate: str = "on_time"
    category: str = "R01"
    withheld: str = ""  # "", trade_secret, privacy


class _Story:
    def __init__(self, *, seed: int, year: int, end: dt.date, progress: bool) -> None:
        self.rng = random.Random(f"activity:{seed}:{year}")
        self.year, self.end, self.progress = year, end, progress
        self.cal: WorkCalendar = load_calendar()
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.size = Target.objects.filter(region=self.county).count()
        self.scale = max(0.0, min(1.0, self.size / FULL_SIZE))
        self.name_of = person_namer(self.rng.random)
        self.categories = {c.code: c for c in ResultCategory.objects.all()}
        self.item_specs: dict[str, ItemSpec] = {s.code: s for s in gen.all_items()}
        self.accounts = 0
        self.taken: set[str] = set()  # user names in use
        self.depts: dict[str, _Dept] = {}
        self.slots: list[_Slot] = []
        self.local_today = timezone.localdate()

    # -- calendar helpers --

    def _workday(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next working day."""
        return day if self.cal.is_workday(day) else self.cal.add_workdays(day, 1).date

    def _workday_before(self, day: dt.date) -> dt.date:
        while not self.cal.is_workday(day):
            day -= dt.timedelta(days=1)
        return day

    def _wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_workdays(self._workday(day), n).date

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        """A moment of office hours on ``day``; the hour orders the steps of one day."""
        moment = dt.datetime.combine(
            day, dt.time(hour, self.rng.randrange(60), self.rng.randrange(60))
        )
        return timezone.make_aware(moment)

    def _say(self, text: str) -> None:
        if self.progress:
            print(f"  年度活动 activity: {text}", file=sys.stderr, flush=True)

    # -- the year --

    def run(self) -> None:
        if (
            AnnualPlan.objects.filter(department__region=self.county, year=self.year).exists()
            or Task.objects.filter(department__region=self.county, year=self.year).exists()
        ):
            # Plan names and task numbers would collide: the year is played once.
            raise DomainError(f"演示县{self.year}年已有计划或任务 (activity already generated)")
        self._people()
        self._libraries()
        if self.end < dt.date(self.year, 1, 1):
            return
        self._plans()
        specs = self._schedule()
        self._say(f"{len(specs)} tasks to run")
        for spec in sorted(specs, key=lambda s: (s.created, s.dept.row.sort_order)):
            self._run_task(spec)
        self._inspector_accounts()
        self._choose_fates()
        self._say(f"{len(self.slots)} results to enter")
        for slot in sorted(
            self.slots, key=lambda s: (s.result_day, s.task.number, s.target.credit_code)
        ):
            self._play_result(slot)
        self._targeted_checks()

    def _people(self) -> None:
        """The people who do the work: the named demo administrators, an administrator for
        each department without one (no usable password), and each department's role in
        the story.  Inspectors get their accounts once it is known who enters results."""
        departments = {d.code: d for d in Department.objects.filter(region=self.county)}
        admins: dict[str, User] = {
            u.department.code: u
            for u in User.objects.filter(
                role_assignments__role__in=[Role.LEAD_ADMIN, Role.DEPARTMENT_ADMIN],
                department__region=self.county,
            )
            .select_related("department")
            .order_by("pk")
            if u.department is not None
        }
        named = {code: User.objects.get(username=u) for code, u in _NAMED_ADMINS.items()}
        admins.update(named)
        taken = set(User.objects.values_list("username", flat=True))
        for spec in gen.DEPARTMENTS:
            dept = departments.get(spec.code)
            if dept is None or spec.code in admins:
                continue
            username = f"{spec.code.lower()}admin"
            name = self.name_of(None, self.rng.random() < 0.7)
            user = User(
                username=username if username not in taken else f"{username}1",
                display_name=name,
                first_name=name,
                department=dept,
                password=make_password(None),
            )
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.DEPARTMENT_ADMIN, department=dept)
            admins[spec.code] = user
            self.accounts += 1
        self.taken = taken
        for spec in gen.DEPARTMENTS:
            if spec.code not in departments:
                continue
            dept = departments[spec.code]
            self.depts[spec.code] = _Dept(
                row=dept,
                spec=spec,
                admin=admins[spec.code],
                items=list(InspectionItem.objects.filter(department=dept, active=True)),
            )
        # Two departments lag behind: one files its plan late, one does not file at all
        # (and runs one task outside any plan); a third does nothing all year.
        others = [c for c in self.depts if c not in _SPOTLIGHT]
        self.rng.shuffle(others)
        for code, role in zip(others, ("late", "adhoc", "idle"), strict=False):
            self.depts[code].role = role
        for d in self.depts.values():
            d.tasks = self._tasks_for(d)

    def _inspector_accounts(self) -> None:
        """A login account for each inspector who enters a result and has none yet."""
        needed = {i.pk for slot in self.slots for i in slot.team if i.user_id is None}
        inspectors = list(
            Inspector.objects.filter(pk__in=needed)
            .select_related("department")
            .order_by("department__sort_order", "certificate_no")
        )
        taken = self.taken
        serials: Counter[str] = Counter()
        users = []
        for inspector in inspectors:
            code = inspector.department.code.lower()
            while True:
                serials[code] += 1
                username = f"{code}{serials[code]:03d}"
                if username not in taken:
                    break
            taken.add(username)
            users.append(
                User(
                    username=username,
                    display_name=inspector.name,
                    first_name=inspector.name,
                    department=inspector.department,
                    password=make_password(None),
                )
            )
        User.objects.bulk_create(users, batch_size=500)
        created = {
            u.username: u for u in User.objects.filter(username__in=[u.username for u in users])
        }
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user=created[u.username], role=Role.INSPECTOR, department=u.department
                )
                for u in users
            ],
            batch_size=500,
        )
        for inspector, user in zip(inspectors, users, strict=True):
            inspector.user = created[user.username]
        Inspector.objects.bulk_update(inspectors, ["user"], batch_size=500)
        self.accounts += len(users)
        accounts = {i.pk: i.user for i in inspectors}
        for slot in self.slots:
            for member in slot.team:
                if member.user_id is None:
                    member.user = accounts[member.pk]

    def _libraries(self) -> None:
        """Each department's target library, by rules that follow its items (R2), and its
        item list published as a version in December (lists are due by 31 December)."""
        for d in self.depts.values():
            if not TargetLibrary.objects.filter(department=d.row).exists():
                kinds, prefixes = _library_rules(gen.items_for(d.code))
                library = library_changes.library_for(d.row)
                library_changes.library_set_rules(
                    library=library,
                    actor=d.admin,
                    kinds=kinds,
                    industry_prefixes=prefixes,
                    township_codes=[],
                )
            d.library = TargetLibrary.objects.get(department=d.row)
        for d in self.depts.values():
            if not d.items:
                continue
            if d.role == "idle":
                day = self._wd(dt.date(self.year, 2, 1), self.rng.randint(3, 12))
            else:
                day = self._wd(dt.date(self.year - 1, 12, 1), self.rng.randint(3, 18))
            if day > self.end:
                continue
            version = publishing.item_list_publish(department=d.row, actor=d.admin)
            ItemListVersion.objects.filter(pk=version.pk).update(published_at=self._at(day, 10))

    def _plans(self) -> None:
        """Annual plans, due by 20 January (R5): filed, submitted and approved."""
        ratio_sets = (
            {"A": "3%", "B": "5%", "C": "10%", "D": "30%"},
            {"A": "2%", "B": "5%", "C": "15%", "D": "40%"},
            {"A": "5%", "B": "10%", "C": "20%", "D": "50%"},
        )
        frequencies = ("每年一次", "每半年一次", "按季度分批开展")
        for d in self.depts.values():
            if d.role in ("adhoc", "idle") or not d.items:
                continue
            if d.role == "late":
                created = self._wd(dt.date(self.year, 2, 16), self.rng.randint(0, 10))
                submitted = self._wd(created, self.rng.randint(5, 15))
            else:
                created = self._wd(dt.date(self.year, 1, 4), self.rng.randint(0, 5))
                submitted = self._wd(created, self.rng.randint(2, 5))
                if submitted > dt.date(self.year, 1, 20):
                    submitted = self._workday_before(dt.date(self.year, 1, 20))
            approved = self._wd(submitted, self.rng.randint(1, 4))
            if created > self.end:
                continue
            kinds = "、".join(sorted({k for i in gen.items_for(d.code) for k in i.target_kinds}))
            plan = plan_services.plan_create(
                department=d.row,
                actor=d.admin,
                year=self.year,
                items=d.items,
                name=f"{self.year}年度{d.row.name}随机抽查工作计划",
                target_scope=f"纳入本部门检查对象名录库的{kinds}",
                ratios=self.rng.choice(ratio_sets),
                frequency=self.rng.choice(frequencies),
                period_start=dt.date(self.year, 3, 1),
                period_end=dt.date(self.year, 12, 20),
                inspecting_body=d.row.name,
                planned_tasks=max(1, self._planned_tasks(d)),
            )
            AnnualPlan.objects.filter(pk=plan.pk).update(created_at=self._at(created, 9))
            d.plan = plan
            if submitted > self.end:
                continue
            plan = plan_services.plan_submit(plan=plan, actor=d.admin)
            AnnualPlan.objects.filter(pk=plan.pk).update(submitted_at=self._at(submitted, 15))
            if approved > self.end:
                continue
            plan = plan_services.plan_approve(plan=plan, actor=d.admin)
            AnnualPlan.objects.filter(pk=plan.pk).update(approved_at=self._at(approved, 16))
            d.plan, d.plan_approved = plan, approved
        lead = self.depts.get("SJ")
        amended = self._wd(dt.date(self.year, 6, 8), self.rng.randint(0, 8))
        if lead and lead.plan and lead.plan_approved and amended <= self.end:
            amendment = plan_services.plan_amend(
                plan=lead.plan,
                actor=lead.admin,
                reason="根据省市场监管局关于开展部门联合双随机抽查工作的通知要求，"
                "增加一批次企业公示信息抽查任务",
                planned_tasks=lead.plan.planned_tasks + 1,
            )
            PlanAmendment.objects.filter(pk=amendment.pk).update(created_at=self._at(amended, 11))
            lead.plan.refresh_from_db()

    # -- tasks --

    def _tasks_for(self, d: _Dept) -> int:
        """Regular tasks of the year.  In a small county (the browser tests' 300 entities)
        only about half of the departments without a named login run one, to keep the
        load fast; from a few thousand entities on, all of them do."""
        if d.role == "idle":
            return 0
        if d.role == "adhoc":
            return 1
        if d.spec.is_lead:
            return 2 + round(3 * self.scale)
        if d.code not in _SPOTLIGHT and self.rng.random() >= 0.4 + 6 * self.scale:
            return 0
        return 1 + round(2 * self.scale)

    def _planned_tasks(self, d: _Dept) -> int:
        """What the plan announces: the regular tasks and the ones _schedule adds."""
        extra = (1 if d.code in _REVIEW_QUEUES else 0) + (1 if d.code == "HB" else 0)
        if d.spec.is_lead:
            extra += len(_NAMED_INSPECTORS)
        return d.tasks + extra

    def _task_size(self, d: _Dept) -> int:
        base = (1.5 + 5 * self.scale) * (1.5 if d.spec.is_lead else 1.0)
        return max(1, round(base * self.rng.uniform(0.6, 1.4)))

    def _task_items(self, d: _Dept) -> list[InspectionItem]:
        """The items of a task.  The draw takes targets from the whole library, so a task
        mostly covers every item the library was built from (as a department's yearly
        "双随机、一公开" task does) and a drawn target meets at least one of them.  A
        department whose library is the whole register (items without industries, such as
        企业公示信息抽查) runs its tasks on those broad items."""
        broad = [i for i in d.items if not self.item_specs[i.code].industry_codes]
        if broad:
            return broad
        if len(d.items) <= 2 or self.rng.random() < 0.7:
            return list(d.items)
        k = self.rng.randint(2, len(d.items) - 1)
        return sorted(self.rng.sample(d.items, k), key=lambda i: i.code)

    def _schedule(self) -> list[_TaskSpec]:
        specs: list[_TaskSpec] = []
        rng = self.rng
        for d in self.depts.values():
            m = d.tasks
            if not m or not d.items:
                continue
            approved = d.plan_approved or dt.date(self.year, 3, 20)
            start = max(dt.date(self.year, 3, 2), approved + dt.timedelta(days=7))
            stop = self.end - dt.timedelta(days=25)
            span = (stop - start).days
            if span <= 0:
                continue
            for i in range(m):
                created = start + dt.timedelta(days=int(span * (i + rng.uniform(0.15, 0.85)) / m))
                specs.append(
                    _TaskSpec(
                        dept=d,
                        items=self._task_items(d),
                        size=self._task_size(d),
                        created=self._workday(created),
                        period_days=rng.randint(21, 42),
                        extra_tickets_abnormal=2 if d.spec.is_lead and rng.random() < 0.5 else 1,
                        redraw=rng.random() < 0.12,
                        recusals=1 if rng.random() < 0.3 else 0,
                    )
                )
        # The reviewers' queues: a task whose inspections ended about two weeks ago.
        for code in _REVIEW_QUEUES:
            reviewing = self.depts.get(code)
            if reviewing is None or not reviewing.items:
                continue
            created = self._workday_before(self.end - dt.timedelta(days=21 + 26))
            if created < (reviewing.plan_approved or self.end):
                continue
            specs.append(
                _TaskSpec(
                    dept=reviewing,
                    items=self._task_items(reviewing),
                    size=max(2, self._task_size(reviewing)),
                    created=created,
                    period_days=21,
                    hold_one=True,
                )
            )
        # A task still in preparation: its commitment is published, the draw is coming.
        env = self.depts.get("HB")
        if env is not None and env.items and env.plan_approved:
            created = self._workday_before(self.end - dt.timedelta(days=3))
            if created >= env.plan_approved:
                specs.append(
                    _TaskSpec(
                        dept=env,
                        items=self._task_items(env),
                        size=self._task_size(env),
                        created=created,
                        period_days=30,
                        enter_results=False,
                    )
                )
        specs.extend(self._to_do_specs())
        return specs

    def _to_do_specs(self) -> list[_TaskSpec]:
        """Tasks dispatched in the last days whose results nobody has entered yet, one per
        named inspector login, built so that every qualified inspector is on two teams.

        The matching takes, slot by slot, the qualified inspector with the smallest load, so
        with ``n`` targets, two per team and a cap of two, ``n`` qualified inspectors are
        each used exactly twice.  Requiring one of the named inspector's expertise tags
        keeps ``n`` small; the tag with the fewest qualified inspectors is taken."""
        lead = next((d for d in self.depts.values() if d.spec.is_lead), None)
        if lead is None or not lead.plan_approved:
            return []
        created = self._workday_before(self.end - dt.timedelta(days=10))
        if created < lead.plan_approved:
            return []
        dispatched = self._wd(created, 3)  # the quick timeline of _run_task
        specs: list[_TaskSpec] = []
        covered: set[int] = set()
        pool = list(
            Inspector.objects.filter(department=lead.row, status=InspectorStatus.ON_DUTY)
            .select_related("user")
            .order_by("certificate_no")
        )
        for username in _NAMED_INSPECTORS:
            me = next((i for i in pool if i.user is not None and i.user.username == username), None)
            if me is None or me.pk in covered:
                continue
            start = dispatched
            end = min(start + dt.timedelta(days=30), me.certificate_valid_to)
            if end < start or me.certificate_valid_from > start:
                continue
            qualified_by_tag: dict[str, list[Inspector]] = {}
            for tag in sorted(me.expertise):
                qualified_by_tag[tag] = [
                    i
                    for i in pool
                    if i.certificate_valid_from <= start
                    and i.certificate_valid_to >= end
                    and tag in i.expertise
                ]
            options = sorted((len(q), tag) for tag, q in qualified_by_tag.items() if len(q) >= 2)
            if options:
                n, tag = options[0]
                qualified = qualified_by_tag[tag]
                required: tuple[str, ...] = (tag,)
            else:
                qualified = [
                    i
                    for i in pool
                    if i.certificate_valid_from <= start and i.certificate_valid_to >= end
                ]
                n, required = len(qualified), ()
            if n < 2:
                continue
            covered.update(i.pk for i in qualified)
            specs.append(
                _TaskSpec(
                    dept=lead,
                    items=[self._item_for_tag(lead, required[0] if required else "")],
                    size=n,
                    created=created,
                    period_days=(end - start).days,
                    required_expertise=required,
                    inspector_cap=2,
                    enter_results=False,
                    quick=True,
                    fixed_start=start,
                    fixed_end=end,
                )
            )
        return specs

    def _item_for_tag(self, d: _Dept, tag: str) -> InspectionItem:
        """The department's item that a tag of expertise belongs to, by name and content."""
        hints = {"价格": "价格", "计量": "价格", "广告": "广告", "网络交易": "广告",
                 "食品安全": "食品经营", "药品": "药品", "特种设备": "特种设备"}  # fmt: skip
        word = hints.get(tag, tag)
        for item in d.items:
            if word in item.name or word in item.content:
                return item
        return d.items[0]

    def _available(self, d: _Dept) -> Counter[str]:
        """Eligible targets per risk class, as the freeze will count them: active entities
        of the library not yet randomly drawn by the department this year.  The library is
        counted once (it does not change during the story); this year's draws are taken
        off, as each drew active members of the same library."""
        assert d.library is not None
        if d.strata is None:
            rows = (
                library_members(d.library)
                .filter(status=RegistrationStatus.ACTIVE)
                .values("risk_class")
                .annotate(n=Count("pk"))
            )
            d.strata = Counter({r["risk_class"]: r["n"] for r in rows})
        drawn = (
            DrawnTarget.objects.filter(
                draw__superseded=False,
                draw__task__year=self.year,
                draw__task__kind="random",
                draw__task__department=d.row,
            )
            .values("target__risk_class")
            .annotate(n=Count("target", distinct=True))
        )
        available = Counter(d.strata)
        available.subtract({r["target__risk_class"]: r["n"] for r in drawn})
        return +available

    def _quotas(self, d: _Dept, wanted: int) -> dict[str, str] | None:
        """Counts per risk class adding up to ``wanted``, shared by weight × stratum size
        (a D entity is ten times as likely to be drawn as an A entity, R7)."""
        available = self._available(d)
        n = min(wanted, sum(available.values()))
        if n <= 0:
            return None
        counts: Counter[str] = Counter()
        for _ in range(n):
            best = max(
                (c for c in RISK_CLASSES if counts[c] < available[c]),
                key=lambda c: (RISK_WEIGHTS[c] * available[c] / (counts[c] + 1), c),
            )
            counts[best] += 1
        return {c: str(counts[c]) for c in RISK_CLASSES}

    def _task_name(self, d: _Dept, items: Sequence[InspectionItem]) -> str:
        if len(items) == 1:
            base = f"{self.year}年{_core(items[0].name)}专项抽查"
        else:
            domain = _DOMAINS.get(d.code, "")
            base = f"{self.year}年{domain}领域“双随机、一公开”抽查"
        d.task_names[base] += 1
        n = d.task_names[base]
        return base if n == 1 else f"{base}（第{_cn(n)}批）"

    def _entropy(self, day: dt.date) -> list[str]:
        """What the draw ceremony's witnesses read out: dice and the day's 福彩3D number."""
        rng = self.rng
        witness = self.name_of(None, rng.random() < 0.6)
        dice = " ".join(str(rng.randint(1, 6)) for _ in range(5))
        lottery = " ".join(str(rng.randint(0, 9)) for _ in range(3))
        issue = day.timetuple().tm_yday
        return [
            f"见证人{witness}（{rng.choice(_WITNESSES)}）掷骰：{dice}",
            f"福彩3D 第{day.year}{issue:03d}期开奖号码：{lottery}",
        ]

    def _run_task(self, ts: _TaskSpec) -> None:
        rng, d, end = self.rng, ts.dept, self.end
        if ts.quick:
            frozen = self._wd(ts.created, 1)
            drawn = redrawn = matched = self._wd(frozen, 1)
            dispatched = self._wd(matched, 1)
        else:
            frozen = self._wd(ts.created, rng.randint(1, 2))
            drawn = self._wd(frozen, rng.randint(1, 3))
            redrawn = self._wd(drawn, rng.randint(1, 2)) if ts.redraw else drawn
            matched = self._wd(redrawn, rng.randint(0, 1))
            dispatched = self._wd(matched, rng.randint(0, 1))
        start = ts.fixed_start or self._wd(dispatched, rng.randint(1, 3))
        stop = ts.fixed_end or start + dt.timedelta(days=ts.period_days)
        # Inside the plan's year: the year's work is planned and accounted for by year.
        stop = max(start, min(stop, dt.date(self.year, 12, 28)))
        quotas = self._quotas(d, ts.size)
        if quotas is None:
            return
        use_plan = d.plan is not None and d.plan_approved is not None
        task = task_services.task_create(
            department=d.row,
            actor=d.admin,
            plan=d.plan if use_plan else None,
            adhoc_reason="" if use_plan else rng.choice(_ADHOC_REASONS),
            name=self._task_name(d, ts.items),
            items=ts.items,
            quotas=quotas,
            period_start=start,
            period_end=stop,
            scope=d.plan.target_scope if d.plan else "纳入本部门检查对象名录库的市场主体",
            inspector_cap=ts.inspector_cap,
            required_expertise=list(ts.required_expertise),
            extra_tickets_abnormal=ts.extra_tickets_abnormal,
        )
        Task.objects.filter(pk=task.pk).update(created_at=self._at(ts.created, 9))
        if frozen > end:
            return
        freeze = task_services.task_freeze(task=task, actor=d.admin)
        Freeze.objects.filter(pk=freeze.pk).update(frozen_at=self._at(frozen, 10))
        Commitment.objects.filter(task=task, sequence=1).update(created_at=self._at(frozen, 10))
        if drawn > end:
            return
        draw = task_services.task_draw(task=task, actor=d.admin, entropy=self._entropy(drawn))
        Draw.objects.filter(pk=draw.pk).update(drawn_at=self._at(drawn, 10))
        if ts.redraw and redrawn <= end:
            task_services.task_request_redraw(
                task=task, actor=d.admin, reason=rng.choice(_REDRAW_REASONS)
            )
            Commitment.objects.filter(task=task, sequence=2).update(created_at=self._at(drawn, 16))
            draw = task_services.task_draw(task=task, actor=d.admin, entropy=self._entropy(redrawn))
            Draw.objects.filter(pk=draw.pk).update(drawn_at=self._at(redrawn, 10))
        if matched > end or (ts.redraw and redrawn > end):
            return
        try:
            matching = task_services.task_match(task=task, actor=d.admin)
        except task_services.MatchingInfeasibleError:
            # Too few inspectors qualified for the period: the task stays drawn, as a real
            # one would until the department renews certificates or changes the period.
            return
        Matching.objects.filter(pk=matching.pk).update(created_at=self._at(matched, 14))
        for _ in range(ts.recusals):
            self._recuse(task, d, matched)
        if dispatched > end:
            return
        task = task_services.task_dispatch(task=task, actor=d.admin)
        if ts.enter_results:
            self._slots_for(task, ts, start, stop)

    def _recuse(self, task: Task, d: _Dept, matched: dt.date) -> None:
        candidates = list(
            Assignment.objects.filter(task=task, active=True, recusal__isnull=True).order_by(
                "position", "pk"
            )
        )
        if not candidates:
            return
        assignment = self.rng.choice(candidates)
        try:
            recusal = task_services.assignment_recuse(
                assignment=assignment, actor=d.admin, reason=self.rng.choice(_RECUSAL_REASONS)
            )
        except DomainError:
            return  # nobody left to replace the inspector; the team stays as matched
        day = min(self._wd(matched, self.rng.randint(0, 1)), self.end)
        Recusal.objects.filter(pk=recusal.pk).update(declared_at=self._at(day, 16))

    def _slots_for(self, task: Task, ts: _TaskSpec, start: dt.date, stop: dt.date) -> None:
        teams: dict[int, list[Inspector]] = {}
        for a in (
            Assignment.objects.filter(task=task, active=True)
            .select_related("inspector__user", "inspector__department")
            .order_by("pk")
        ):
            teams.setdefault(a.target_id, []).append(a.inspector)
        drawn = (
            DrawnTarget.objects.filter(draw__task=task, draw__superseded=False)
            .select_related("target")
            .order_by("position")
        )
        span = max(0, (stop - start).days)
        for row in drawn:
            inspected = self._workday(start + dt.timedelta(days=self.rng.randint(0, span)))
            result_day = self._wd(inspected, self.rng.choice((0, 0, 0, 1, 2)))
            team = teams.get(row.target_id, [])
            if result_day > self.end or len(team) < 2:
                continue  # still to be inspected: the team's to-do
            self.slots.append(
                _Slot(
                    task=task,
                    spec=ts,
                    target=row.target,
                    team=team,
                    inspected=inspected,
                    result_day=result_day,
                    deadline=self.cal.add_workdays(result_day, PUBLICATION_WORKING_DAYS).date,
                )
            )

    # -- results --

    def _choose_fates(self) -> None:
        """What happens to each result, and its category.  Realistic frequencies, plus one
        of every kind the pages and the supervision figures have to show, so that even a
        300-entity county has a late publication, an overdue result, a returned one …"""
        rng = self.rng
        fates = (("on_time", 80), ("late", 9), ("returned_fixed", 5), ("returned_open", 1.5),
                 ("overdue_submitted", 2.5), ("overdue_draft", 2))  # fmt: skip
        for slot in self.slots:
            slot.fate = rng.choices([f for f, _ in fates], [w for _, w in fates])[0]
            slot.category = self._category(slot)
            if slot.category in ("R01", "R07", "R08") and rng.random() < 0.05:
                slot.withheld = self._withheld_kind(slot)
        # The reviewers' queues: the latest result of each such task waits for review
        # (the latest, so that it is not overdue yet).
        held: dict[int, _Slot] = {}
        for slot in self.slots:
            if slot.spec.hold_one:
                other = held.get(slot.task.pk)
                if other is None or (slot.result_day, slot.target.credit_code) > (
                    other.result_day,
                    other.target.credit_code,
                ):
                    held[slot.task.pk] = slot
        for slot in held.values():
            slot.fate = "hold"
        # Old enough that even a late publication lies before the end of the story.
        old = [
            s
            for s in self.slots
            if s.deadline + dt.timedelta(days=21) < self.end and s.fate != "hold"
        ]
        rng.shuffle(old)
        required = ["late", "returned_fixed", "returned_open", "overdue_submitted", "overdue_draft"]
        for slot, fate in zip(old, required, strict=False):
            slot.fate = fate
        for slot in old[len(required) :][:2]:
            slot.fate = "on_time"
        # One of each notable category somewhere, on a result that is published.
        published = [s for s in old if s.fate in ("on_time", "late")]
        rng.shuffle(published)
        wanted = ["R07", "R04", "R05", "R14"]
        for category in wanted:
            if any(s.category == category for s in published):
                continue
            chosen = next((s for s in published if s.category == "R01"), None)
            if chosen is not None:
                chosen.category = category
        if not any(s.withheld for s in self.slots):
            chosen = next((s for s in published if s.category in ("R01", "R07")), None)
            if chosen is not None:
                chosen.withheld = self._withheld_kind(chosen)

    def _withheld_kind(self, slot: _Slot) -> str:
        """Personal data where the records are about people (patients, guests, pupils,
        employees), trade secrets elsewhere."""
        if slot.spec.dept.code in ("WJ", "RS", "GA", "JY") or any(
            slot.target.industry_code.startswith(p) for p in _PRIVATE_RECORDS
        ):
            return Confidentiality.PRIVACY
        return Confidentiality.TRADE_SECRET

    def _applies(self, item: InspectionItem, target: Target) -> bool:
        spec = self.item_specs.get(item.code)
        return spec is None or spec.applies_to(target.industry_code, target.kind)

    def _category(self, slot: _Slot) -> str:
        rng = self.rng
        applying = [i for i in slot.spec.items if self._applies(i, slot.target)]
        if not applying:
            return "R06"  # in the library through another item, but none of this task's
        weights = {"R01": 780, "R07": 100, "R04": 30, "R08": 20, "R06": 15, "R09": 15,
                   "R14": 15, "R05": 8}  # fmt: skip
        if any(
            not self.item_specs[i.code].industry_codes
            for i in applying
            if i.code in self.item_specs
        ):
            del weights["R06"]  # an item every entity falls under (企业公示) always applies
        if any(i.code in ("SJ-001", "SJ-002") for i in applying):
            weights |= {"R02": 60, "R03": 8}
        codes = [c for c in weights if c in self.categories]
        return rng.choices(codes, [weights[c] for c in codes])[0]

    def _findings(self, slot: _Slot) -> tuple[str, dict[int, tuple[str, str]], bool, str]:
        """Findings, item outcomes, refused, and the problem (for follow-ups)."""
        rng, target, code = self.rng, slot.target, slot.category
        items = slot.spec.items
        applying = [i for i in items if self._applies(i, target)] or list(items)
        outcomes: dict[int, tuple[str, str]] = {
            i.pk: (ItemOutcome.NO_PROBLEM, "")
            if i in applying
            else (ItemOutcome.NOT_CHECKED, "不涉及该事项")
            for i in items
        }
        first = applying[0]
        if len(applying) == 1:
            content = first.content or _core(first.name)
        else:
            content = "、".join(_core(i.name) for i in applying) + "等事项"
        opening = _METHOD_OPENINGS.get(first.method, "经检查，").format(content=content)
        problem = ""
        refused = False
        if code == "R01":
            text = opening + "未发现违法违规问题。"
        elif code in ("R07", "R08"):
            problem = rng.choice(_PROBLEMS.get(slot.spec.dept.code, _PROBLEMS["SJ"]))
            outcomes[first.pk] = (ItemOutcome.PROBLEM, problem)
            if code == "R07":
                days = rng.choice((7, 10, 15))
                text = (f"{opening}发现{problem}。执法人员已当场下达《责令改正通知书》，"
                        f"责令其于{days}日内改正。")  # fmt: skip
            else:
                text = (f"{opening}发现{problem}，涉嫌违反{first.legal_basis}相关规定，"
                        "已拍照取证并制作现场笔录，待进一步调查处理。")  # fmt: skip
        elif code in ("R02", "R03"):
            what = rng.choice(_DISCLOSURE_FIELDS)
            disclosure = next((i for i in items if i.code in ("SJ-001", "SJ-002")), first)
            if code == "R02":
                problem = f"{self.year - 1}年度报告未按规定公示{what}"
                text = f"经核查该单位{self.year - 1}年度报告，未按规定公示{what}等应当公示的信息。"
            else:
                problem = f"{self.year - 1}年度报告公示的{what}与实际情况不符"
                text = (f"经核查，该单位{self.year - 1}年度报告公示的{what}与实际情况不符，"
                        "隐瞒真实情况、弄虚作假。")  # fmt: skip
            outcomes[disclosure.pk] = (ItemOutcome.PROBLEM, problem)
        elif code == "R04":
            text = (f"执法人员前往其登记的住所（经营场所）{target.address}，"
                    f"{rng.choice(_UNREACHABLE)}；拨打其登记的联系电话，{rng.choice(_PHONE_STATES)}。"
                    "通过登记的住所（经营场所）无法联系。")  # fmt: skip
            outcomes = {i.pk: (ItemOutcome.NOT_CHECKED, "通过登记的住所无法联系") for i in items}
            problem = "通过登记的住所（经营场所）无法联系"
        elif code == "R05":
            who = rng.choice(("负责人", "法定代表人", "现场经营者"))
            text = (f"执法人员出示执法证件并说明来意后，该单位{who}拒绝执法人员进入经营场所，"
                    "拒不提供相关证照和台账资料，经反复告知拒绝检查的法律责任后仍不配合，"
                    "情节严重。")  # fmt: skip
            outcomes = {i.pk: (ItemOutcome.NOT_CHECKED, "拒绝检查") for i in items}
            refused = True
            problem = "拒绝、阻碍执法检查"
        elif code == "R06":
            industry = gen.INDUSTRY_BY_CODE.get(target.industry_code)
            doing = f"实际从事{industry.name}，" if industry else ""
            text = f"经现场核查，该单位{doing}未开展本次抽查事项涉及的经营活动。"
            outcomes = {i.pk: (ItemOutcome.NOT_CHECKED, "未开展相关经营活动") for i in items}
        elif code == "R09":
            months = rng.randint(2, 11)
            text = (f"经营场所已关闭，门口张贴停业告示，经向所在社区（村委会）了解，"
                    f"该单位已停业约{months}个月。")  # fmt: skip
            outcomes = {i.pk: (ItemOutcome.NOT_CHECKED, "已停业") for i in items}
        else:  # R14: outside the department's remit, referred (R9)
            to = self._referral_department(slot)
            issue = rng.choice(_REFERRALS.get(to.code, ("超出登记的经营范围从事经营活动",)))
            problem = issue
            text = (f"{opening}本部门检查事项未发现问题；检查中发现该单位{issue}，"
                    f"属{to.row.name}职责范围，已将线索移送{to.row.name}依法处理。")  # fmt: skip
        return text, outcomes, refused, problem

    def _referral_department(self, slot: _Slot) -> _Dept:
        own = slot.spec.dept.code
        options = [c for c in _REFERRALS if c != own and c in self.depts]
        # Chosen from the slot's own data so that the findings and the follow-up agree.
        key = int(hashlib.sha256(slot.target.credit_code.encode()).hexdigest(), 16)
        return self.depts[options[key % len(options)]]

    def _input(self, slot: _Slot, text: str, outcomes: dict[int, tuple[str, str]],
               refused: bool) -> result_services.ResultInput:  # fmt: skip
        public = ""
        confidentiality = Confidentiality.NONE
        if slot.withheld == Confidentiality.TRADE_SECRET:
            confidentiality = Confidentiality.TRADE_SECRET
            if slot.target.industry_code.startswith("C"):
                kept = "该单位的生产工艺流程、原料配方及主要供货商清单"
            else:
                kept = "该单位的经营数据、进货渠道及主要客户名单"
            public = text + "（检查中查阅的资料涉及商业秘密，不予公开。）"
            text += f"检查中查阅了{kept}，相关资料已复印存档。"
        elif slot.withheld == Confidentiality.PRIVACY:
            confidentiality = Confidentiality.PRIVACY
            person = self.name_of(None, self.rng.random() < 0.5)
            whose = next(
                (w for prefix, w in _PRIVATE_RECORDS.items()
                 if slot.target.industry_code.startswith(prefix)),
                "从业人员",
            )  # fmt: skip
            public = text + "（涉及个人隐私的内容已作删除处理。）"
            text += f"抽查的登记记录中涉及{whose}{person}等人的身份证号码、联系电话等个人信息。"
        return result_services.ResultInput(
            inspection_date=slot.inspected,
            result_date=slot.result_day,
            category=self.categories[slot.category],
            findings=text,
            refused=refused,
            confidentiality=confidentiality,
            public_findings=public,
            present={i.pk: True for i in slot.team},
            outcomes=outcomes,
        )

    def _play_result(self, slot: _Slot) -> None:
        """Enter, submit, review and publish one result, each step on its own day (if that
        day has come), then back-date what the services stamped."""
        rng, end, d = self.rng, self.end, slot.spec.dept
        member = rng.choice(slot.team)
        actor = member.user
        assert actor is not None  # every team member got an account in _inspector_accounts
        text, outcomes, refused, problem = self._findings(slot)
        data = self._input(slot, text, outcomes, refused)
        submitted = self._wd(slot.result_day, rng.choice((0, 0, 1, 2)))
        entered_at = self._at(slot.result_day, 10)
        submit_now = submitted == slot.result_day and slot.fate != "overdue_draft"
        result = result_services.result_save(
            actor=actor, task=slot.task, target=slot.target, data=data, submit=submit_now
        )
        stamps: dict[str, Any] = {"entered_at": entered_at, "updated_at": entered_at}
        if submit_now:
            stamps["submitted_at"] = stamps["updated_at"] = self._at(submitted, 16)
        elif slot.fate != "overdue_draft" and submitted <= end:
            result = result_services.result_submit(actor=actor, result=result)
            stamps["submitted_at"] = stamps["updated_at"] = self._at(submitted, 16)
        Result.objects.filter(pk=result.pk).update(**stamps)
        if "submitted_at" not in stamps or slot.fate in ("hold", "overdue_submitted"):
            return
        base = submitted
        if slot.fate in ("returned_fixed", "returned_open"):
            returned = self._wd(submitted, rng.randint(1, 3))
            if returned > end:
                return
            reason, fix = rng.choice(_RETURNS)
            result = result_services.result_return(actor=d.admin, result=result, reason=reason)
            Result.objects.filter(pk=result.pk).update(
                reviewed_at=self._at(returned, 9), updated_at=self._at(returned, 9)
            )
            Reminder.objects.filter(result=result, kind=Reminder.Kind.RETURNED).update(
                day=returned, created_at=self._at(returned, 9)
            )
            fixed = self._wd(returned, rng.randint(1, 4))
            if slot.fate == "returned_open" or fixed > end:
                return
            data = self._corrected(slot, data, fix)
            result = result_services.result_save(
                actor=actor, task=slot.task, target=slot.target, data=data, submit=True
            )
            Result.objects.filter(pk=result.pk).update(
                submitted_at=self._at(fixed, 15), updated_at=self._at(fixed, 15)
            )
            Reminder.objects.filter(result=result, kind=Reminder.Kind.RETURNED).update(
                read_at=self._at(fixed, 8)
            )
            base = fixed
        if slot.fate == "late":
            published = self._wd(max(base, slot.deadline), rng.randint(1, 12))
        else:
            published = self._wd(base, rng.randint(1, 8))
            if published > slot.deadline >= base:
                published = slot.deadline
        if published > end:
            return  # waiting for the reviewer
        publication = result_services.result_publish(actor=d.admin, result=result)
        # A single department's task: its one part completes the publication at once.
        assert publication is not None
        late = published > slot.deadline
        days_late = self.cal.workdays_between(slot.deadline, published) if late else 0
        moment = self._at(published, 11)
        Publication.objects.filter(pk=publication.pk).update(
            published_on=published, published_at=moment, late=late, working_days_late=days_late
        )
        Result.objects.filter(pk=result.pk).update(
            reviewed_at=moment, updated_at=moment, late_working_days=days_late
        )
        CreditRecordEntry.objects.filter(result=result).update(
            entry_date=published, created_at=moment
        )
        # 通过登记的住所无法联系 proposes an abnormal-operation entry; it awaits its decision.
        AbnormalProposal.objects.filter(result=result).update(created_at=moment)
        self._follow_up(slot, result, problem, published)

    def _corrected(
        self, slot: _Slot, data: result_services.ResultInput, fix: str
    ) -> result_services.ResultInput:
        if fix == "date":
            earlier = self._workday_before(slot.inspected - dt.timedelta(days=1))
            if earlier >= slot.task.period_start:
                data.inspection_date = earlier
            data.findings += "（检查日期已按现场检查笔录核实更正。）"
            return data
        if fix == "basis":
            basis = "；".join(i.legal_basis for i in slot.spec.items)
            added = f"检查依据：{basis}。"
        else:
            added = "检查时该单位负责人在场并配合检查。"
        data.findings += added
        if data.public_findings:
            data.public_findings += added
        return data

    def _follow_up(self, slot: _Slot, result: Result, problem: str, published: dt.date) -> None:
        """后续处置 (R9): correction orders, cases and referrals.  An unreachable entity
        (R04) needs none here: its publication raises the abnormal-operation proposal."""
        rng, d = self.rng, slot.spec.dept
        owner: User | None = None
        to: _Dept | None = None
        code = slot.category
        if code == "R07":
            action, days = FollowUpAction.CORRECT, 15
            description = f"督促该单位整改{problem}问题，到期复查整改情况。"
            owner = result.entered_by
        elif code in ("R08", "R05"):
            action, days = FollowUpAction.CASE, 60
            description = f"对该单位{problem}的行为依法立案调查。"
        elif code in ("R02", "R03"):
            action, days = FollowUpAction.CORRECT, 20
            description = f"责令该单位更正{problem}的问题，逾期不改正的依法处理。"
            owner = result.entered_by
        elif code == "R14":
            action, days = FollowUpAction.REFER, 30
            to = self._referral_department(slot)
            description = f"检查中发现该单位{problem}，移送贵单位依法处理。"
        else:
            return
        created = published
        due = created + dt.timedelta(days=days)
        follow_up = result_services.followup_create(
            actor=d.admin,
            result=result,
            action=action,
            description=description,
            due_date=max(due, self.local_today),
            owner=owner,
            to_department=to.row if to else None,
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(
            created_at=self._at(created, 14), due_date=due
        )
        Reminder.objects.filter(result=result, kind=Reminder.Kind.REFERRAL).update(
            day=created, created_at=self._at(created, 14)
        )
        closed = self._wd(created, rng.randint(3, days + 10))
        if closed > self.end or rng.random() < 0.25:
            return  # still open (and overdue, once its due date has passed)
        if action == FollowUpAction.REFER and to is not None:
            closer = to.admin
            note = "已接收线索并组织核查，依法责令当事人改正，处理结果已反馈移送部门。"
        elif action == FollowUpAction.CASE:
            fine = rng.choice((2000, 3000, 5000, 10000))
            closer, note = (
                d.admin,
                f"已立案查处，依法作出警告并处罚款人民币{fine}元的行政处罚决定。",
            )
        else:
            closer = owner or d.admin
            note = f"经{closed.month}月{closed.day}日复查，该单位已按要求完成整改，整改材料已归档。"
        follow_up = result_services.followup_close(actor=closer, follow_up=follow_up, note=note)
        FollowUp.objects.filter(pk=follow_up.pk).update(closed_at=self._at(closed, 15))
        Reminder.objects.filter(result=result, kind=Reminder.Kind.REFERRAL).update(
            read_at=self._at(closed, 8)
        )

    def _targeted_checks(self) -> None:
        """A couple of non-random checks (R7): a complaint, a referral, a data signal."""
        cases = (
            ("SJ", TargetedSource.COMPLAINT, "12315",
             "群众通过12315平台投诉该单位销售过期食品，依法开展定向检查"),
            ("WJ", TargetedSource.COMPLAINT, "12320",
             "群众投诉该单位公共用品用具未消毒，依法开展定向检查"),
            ("HB", TargetedSource.DATA, "ZX",
             "污染源在线监测数据连续三日异常，开展定向检查"),
            ("YJ", TargetedSource.REFERRAL, "新政办督",
             "县政府督查室转办群众反映的安全隐患线索"),
        )  # fmt: skip
        count = 2 + round(2 * self.scale)
        for code, source, prefix, reason in cases[:count]:
            d = self.depts.get(code)
            if d is None or d.library is None:
                continue
            ids = list(
                library_members(d.library)
                .filter(status=RegistrationStatus.ACTIVE)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            day = self._workday_before(self.end - dt.timedelta(days=self.rng.randint(20, 200)))
            if day.year != self.year:
                continue
            target = Target.objects.get(pk=self.rng.choice(ids))
            check = targeted_check_create(
                department=d.row,
                actor=d.admin,
                target=target,
                source=source,
                reason=reason,
                check_date=day,
                reference=f"{prefix}-{self.year}-{self.rng.randint(1000, 9999)}",
            )
            TargetedCheck.objects.filter(pk=check.pk).update(created_at=self._at(day, 15))

    # -- the count --

    def summary(self) -> ActivitySummary:
        depts = [d.row.pk for d in self.depts.values()]
        tasks = Task.objects.filter(department__in=depts)
        results = Result.objects.filter(department__in=depts)
        plans = AnnualPlan.objects.filter(department__in=depts, year=self.year)
        follow_ups = FollowUp.objects.filter(result__department__in=depts)
        named = Assignment.objects.filter(
            inspector__user__username__in=_NAMED_INSPECTORS,
            active=True,
            task__status=TaskStatus.DISPATCHED,
        )
        done = Result.objects.exclude(status__in=[ResultStatus.DRAFT, ResultStatus.RETURNED])
        to_do = sum(
            1
            for a in named
            if not done.filter(
                task=a.task_id, target=a.target_id, department=a.task.department_id
            ).exists()
        )
        return ActivitySummary(
            year=self.year,
            today=self.end,
            accounts=self.accounts,
            libraries=TargetLibrary.objects.filter(department__in=depts).count(),
            item_lists=ItemListVersion.objects.filter(department__in=depts).count(),
            plans=plans.count(),
            plans_late=sum(
                1
                for p in plans
                if p.submitted_at is None or timezone.localdate(p.submitted_at) > p.due_date
            ),
            departments_without_plan=len(depts) - plans.values("department").distinct().count(),
            amendments=PlanAmendment.objects.filter(plan__in=plans).count(),
            tasks=tasks.count(),
            tasks_by_status=dict(Counter(tasks.values_list("status", flat=True)).most_common()),
            draws=Draw.objects.filter(task__in=tasks, sequence=1).count(),
            redraws=Draw.objects.filter(task__in=tasks, sequence__gt=1).count(),
            recusals=Recusal.objects.filter(assignment__task__in=tasks).count(),
            drawn_targets=DrawnTarget.objects.filter(
                draw__task__in=tasks, draw__superseded=False
            ).count(),
            targeted_checks=TargetedCheck.objects.filter(department__in=depts).count(),
            results=results.count(),
            results_by_status=dict(Counter(results.values_list("status", flat=True)).most_common()),
            published_late=Publication.objects.filter(task__in=tasks, late=True).count(),
            overdue=result_selectors.overdue(depts, self.end).count(),
            returned_then_published=results.filter(
                status=ResultStatus.PUBLISHED, reminders__kind=Reminder.Kind.RETURNED
            ).count(),
            withheld=results.exclude(confidentiality=Confidentiality.NONE).count(),
            to_do=to_do,
            follow_ups=follow_ups.count(),
            follow_ups_closed=follow_ups.filter(state="closed").count(),
            referrals=follow_ups.filter(action=FollowUpAction.REFER).count(),
        )


def _library_rules(items: Sequence[ItemSpec]) -> tuple[list[str], list[str]]:
    """A library that covers the department's items: their entity kinds, and their industry
    prefixes unless some item covers every industry.  A bare section letter (C, E) is
    spelled out as the divisions of the demo's industries, since the library service takes
    a letter with digits."""
    kinds = sorted({k for i in items for k in i.target_kinds if k != "其他"})
    if any(not i.industry_codes for i in items):
        return kinds, []
    prefixes: set[str] = set()
    for item in items:
        for prefix in item.industry_codes:
            if len(prefix) == 1:
                prefixes.update(
                    ind.code[:3] for ind in gen.INDUSTRIES if ind.code.startswith(prefix)
                )
            else:
                prefixes.add(prefix)
    return kinds, sorted(prefixes)


__all__ = ["ActivitySummary", "generate_activity"]
