"""The result categories used by the provincial platforms (mission.md), as the default
list.  Created after every migrate (and after a test flush) when missing; never overwritten,
so a system admin's edits stand."""

from __future__ import annotations

from typing import Any

# code, name, English, problem found, proposes an abnormal-operation entry
DEFAULTS = [
    ("R01", "未发现问题", "No problem found", False, False),
    (
        "R02",
        "未按规定公示应当公示的信息",
        "Did not publish information it must publish",
        True,
        False,
    ),
    (
        "R03",
        "公示信息隐瞒真实情况弄虚作假",
        "Published information hides facts or is false",
        True,
        False,
    ),
    (
        "R04",
        "通过登记的住所（经营场所）无法联系",
        "Cannot be reached at its registered address",
        True,
        True,
    ),
    ("R05", "不配合检查情节严重", "Seriously uncooperative with the inspection", True, False),
    (
        "R06",
        "未发现开展本次抽查涉及的经营活动",
        "No business activity subject to this inspection",
        False,
        False,
    ),
    ("R07", "发现问题已责令改正", "Problem found, correction ordered", True, False),
    ("R08", "发现问题待后续处理", "Problem found, follow-up pending", True, False),
    ("R09", "已关闭停业或正在组织清算", "Closed or in liquidation", False, False),
    ("R10", "已注销", "Deregistered", False, False),
    ("R11", "被吊销", "Licence revoked", False, False),
    ("R12", "被撤销", "Registration cancelled", False, False),
    ("R13", "迁出", "Moved out of the area", False, False),
    ("R14", "违反其他部门相关规定", "Breaches other departments' rules", True, False),
]


def ensure_default_categories(**_: Any) -> int:
    """Create the default categories that are missing (by code); returns how many."""
    from .models import ResultCategory

    existing = set(ResultCategory.objects.values_list("code", flat=True))
    missing = [
        ResultCategory(
            code=code,
            name=name,
            name_en=name_en,
            sort_order=order,
            problem_found=problem,
            proposes_abnormal=abnormal,
        )
        for order, (code, name, name_en, problem, abnormal) in enumerate(DEFAULTS, start=1)
        if code not in existing
    ]
    ResultCategory.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
