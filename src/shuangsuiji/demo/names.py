"""Personal names and trade names (字号) for the demo county.

Everything here is plain data plus a few helpers that turn one ``random()`` draw into a
pick, so the generators can stay allocation-light in their inner loops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import product
from typing import TypeVar

T = TypeVar("T")

# Surnames with rough weights (per ten thousand). The national top of the list, with the
# families of the Dabie mountains (许, 余, 汪, 郑, 匡, 詹, 扶, 漆 …) weighted up: 新县 is
# 许世友's home county and those names fill its village registers.
SURNAME_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("王", 600), ("李", 600), ("张", 560), ("刘", 480), ("陈", 470), ("杨", 280),
    ("黄", 230), ("赵", 200), ("吴", 260), ("周", 190), ("徐", 150), ("孙", 130),
    ("胡", 170), ("朱", 120), ("高", 100), ("郭", 110), ("何", 110), ("马", 100),
    ("罗", 90), ("郑", 160), ("梁", 60), ("谢", 60), ("宋", 70), ("唐", 50),
    ("许", 240), ("韩", 50), ("冯", 50), ("邓", 50), ("曹", 50), ("彭", 60),
    ("曾", 50), ("肖", 50), ("田", 60), ("董", 50), ("袁", 40), ("潘", 40),
    ("于", 30), ("蒋", 40), ("蔡", 40), ("余", 170), ("杜", 40), ("叶", 40),
    ("程", 60), ("苏", 30), ("魏", 30), ("吕", 30), ("丁", 40), ("任", 30),
    ("沈", 30), ("姚", 30), ("卢", 30), ("姜", 30), ("崔", 20), ("钟", 20),
    ("谭", 20), ("陆", 20), ("汪", 110), ("范", 30), ("金", 30), ("石", 40),
    ("廖", 20), ("贾", 20), ("夏", 50), ("付", 30), ("方", 50), ("白", 20),
    ("邹", 20), ("孟", 20), ("熊", 40), ("秦", 20), ("邱", 20), ("江", 40),
    ("尹", 20), ("薛", 20), ("段", 20), ("雷", 30), ("侯", 20), ("龙", 10),
    ("史", 20), ("陶", 20), ("贺", 20), ("顾", 10), ("毛", 20), ("郝", 10),
    ("龚", 20), ("邵", 20), ("万", 30), ("严", 20), ("武", 10), ("戴", 30),
    ("匡", 40), ("詹", 40), ("柯", 20), ("易", 20), ("扶", 10), ("漆", 10),
    ("桂", 10), ("占", 10), ("阮", 10), ("甘", 10),
)  # fmt: skip

# Characters of given names. Rural Henan names of the 1950s-1990s lean on 国, 建, 明, 华,
# 红, 英 …; the younger generation on 浩, 宇, 欣, 怡 ….
MALE_CHARS = (
    "国建明华军伟强勇杰涛刚平辉鹏飞波斌宇浩凯健俊旭宁龙林阳磊超亮峰新德志文学东海春"
    "振家长永金成正发全保先忠诚立中清庆友贵富荣兴光洪祥安福生坤山松柏"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英慧巧美娇萍燕玲桂红兰梅琴云莲凤洁雪琳晶婷倩颖露瑶怡佳欣月菊"
    "翠珍香玉荣琼素芬淑惠彩丹萌雯悦蕾"
)

# Trade names (字号) are two characters from these pools: auspicious first characters
# and second characters that make a plausible pair with most of them (鑫源, 宏达, 红星 …).
TRADE_FIRST = (
    "鑫宏华盛兴隆恒润泰祥瑞丰达佳福金红绿青山云天新大明聚德诚信和嘉永昌富安康宁顺荣旺"
    "益众创博远东豫楚腾飞欣悦锦彩光辉星晨阳春松竹梅兰茗香馨雅君誉万千百九三五"
)
TRADE_SECOND = (
    "源达盛丰泰祥华兴发利通顺宇鑫辉峰森林茂旺隆昌信诚美佳康乐福安和成业邦正德川江河"
    "湖海山岭泉溪润洋天星月阳光明晟昊翔腾越瑞景园城辰航睿泽"
)
# Local words that make good trade names in 新县 (red tourism, mountains, rivers).
LOCAL_TRADE_NAMES = (
    "红源", "将军", "首府", "苏区", "大别", "金兰", "香山", "连康", "小潢", "潢河",
    "九龙", "七龙", "红城", "红旗", "英山", "卡房", "竹海", "栗乡", "茶乡", "豫南",
    "鄂豫", "白露", "白云", "凤凰", "映山", "杜鹃", "青龙", "黄毛", "桃花", "狮子",
)  # fmt: skip

# Common-noun-free cute doubles used by small shops (佳佳超市, 乐乐便利店).
SHOP_DOUBLES = (
    "佳佳", "乐乐", "欢欢", "甜甜", "红红", "明明", "兰兰", "芳芳", "强强", "亮亮",
    "美美", "莉莉", "丽丽", "洋洋", "旺旺", "顺顺", "鑫鑫", "福福", "好好", "多多",
)  # fmt: skip


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def trade_names() -> tuple[str, ...]:
    """Every two-character trade name for enterprises and cooperatives (fixed order)."""
    pairs = (a + b for a, b in product(TRADE_FIRST, TRADE_SECOND) if a != b)
    return _unique([*LOCAL_TRADE_NAMES, *pairs])


def shop_names() -> tuple[tuple[str, str], ...]:
    """Two-character shop names for individual businesses as ``(name, surname)`` pairs.

    ``surname`` is set for 王记/老王/王家-style names so the generator can give the shop
    owner that surname; it is empty for trade names. About a third of the pool is
    surname-based, as on a county high street.
    """
    out: dict[str, str] = {}
    for surname, weight in SURNAME_WEIGHTS:
        if weight >= 30:
            out.setdefault(surname + "记", surname)
            out.setdefault("老" + surname, surname)
            out.setdefault(surname + "家", surname)
    for name in SHOP_DOUBLES:
        out.setdefault(name, "")
    # A fixed, spread-out slice of the trade names (every 10th keeps pairs varied).
    for name in trade_names()[::10]:
        out.setdefault(name, "")
    return tuple(out.items())


def expand(weighted: Iterable[tuple[T, int]]) -> tuple[T, ...]:
    """Repeat each value by its weight: a lookup table that ``int(random() * len)`` indexes."""
    return tuple(value for value, weight in weighted for _ in range(weight))


SURNAME_TABLE: tuple[str, ...] = expand(SURNAME_WEIGHTS)


def person_namer(rnd: Callable[[], float]) -> Callable[[str | None, bool], str]:
    """A function ``(surname or None, male) -> full name`` drawing from ``rnd``.

    Given names are two characters three times out of four, otherwise one.
    """
    surnames = SURNAME_TABLE
    n_surnames = len(surnames)
    male, female = MALE_CHARS, FEMALE_CHARS
    n_male, n_female = len(male), len(female)

    def name(surname: str | None, is_male: bool) -> str:
        head = surname or surnames[int(rnd() * n_surnames)]
        if is_male:
            first = male[int(rnd() * n_male)]
            return head + first + male[int(rnd() * n_male)] if rnd() < 0.75 else head + first
        first = female[int(rnd() * n_female)]
        return head + first + female[int(rnd() * n_female)] if rnd() < 0.75 else head + first

    return name


#: Mobile prefixes of the three carriers, as seen on Henan business licences.
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "199",
)  # fmt: skip
