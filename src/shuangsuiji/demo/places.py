"""Townships, roads and villages of 河南省信阳市新县 (GB/T 2260 code 411523).

The 17 township-level units are the real ones: 5 towns, 10 townships, 金兰山街道 and the
香山湖管理区 named in 新政办〔2019〕54号. Their 9-digit codes follow the GB/T 10114 ranges
(0xx 街道, 1xx 镇, 2xx 乡, 4xx 政企合一/管理区); 八里畈镇 411523105 is checked against a
published list, the other sequence numbers are plausible rather than verified. Village
names are real where we know them (八里畈镇's 11 villages, 田铺乡's 7, 陈店乡's, 周河乡 西河
…) and otherwise typical of the Dabie mountains (冲, 畈, 湾, 岗, 铺). Urban roads are the
county seat's well-known ones plus plausible fill.
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTY_CODE = "411523"
COUNTY_PREFIX = "河南省信阳市新县"


@dataclass(frozen=True, slots=True)
class Township:
    """A township-level division (乡级行政区) of the county."""

    code: str  # 9 digits: county code + 3-digit GB/T 10114 sequence
    name: str  # 新集镇
    kind: str  # 镇 / 乡 / 街道 / 管理区
    short: str  # 新集 — used in branch names (XX分公司)
    weight: int  # relative share of the county's market entities
    roads: tuple[str, ...]  # streets with house numbers (路/街/大道)
    villages: tuple[str, ...]  # administrative villages, without the 村 suffix
    road_share: float  # how often an address here is on a numbered street


def _t(
    seq: str,
    name: str,
    kind: str,
    short: str,
    weight: int,
    roads: str,
    villages: str,
    road_share: float,
) -> Township:
    return Township(
        COUNTY_CODE + seq, name, kind, short, weight,
        tuple(roads.split()), tuple(villages.split()), road_share,
    )  # fmt: skip


TOWNSHIPS: list[Township] = [
    _t("001", "金兰山街道", "街道", "金兰山", 12,
       "红城大道 金兰山路 京九大道 羚羊山路 行政路 莲花路 文化路 新城大道 友谊路 健康路",
       "金兰 羚羊山 余洼 大湾 张畈", 0.9),
    _t("100", "新集镇", "镇", "新集", 30,
       "将军路 航空路 首府路 解放路 新华路 红军路 民主街 潢河路 新田路 北关街 南关街 "
       "西环路 东环路 体育路 城北路 人民路",
       "代咀 卢湾 孙冲 槐树湾 杨高山 西寨 蔡畈", 0.85),
    _t("101", "沙窝镇", "镇", "沙窝", 6, "沙窝街 白露河路",
       "沙窝 大栗树 小河 李湾 东坳 胡湾 冯店 白马山 罗畈", 0.35),
    _t("102", "吴陈河镇", "镇", "吴陈河", 6, "吴陈河街 新吴路",
       "吴陈河 仙桥 肖畈 柳林 吴畈 汪冲 河口 明山", 0.35),
    _t("103", "苏河镇", "镇", "苏河", 5, "苏河街 迎宾路",
       "苏河 向店 熊湾 林冲 邹湾 汪洼 小罗山", 0.3),
    _t("105", "八里畈镇", "镇", "八里畈", 6, "八里畈街 茶乡路",
       "张店 神留桥 嶅山 水口 郑坳 聂潭 长河 七龙山 南冲 长岗 王里河", 0.3),
    _t("200", "周河乡", "乡", "周河", 3, "周河街",
       "周河 西河 毛铺 梅畈 熊冲 里湾 张冲", 0.25),
    _t("201", "陡山河乡", "乡", "陡山河", 4, "陡山河街",
       "陡山河 石桥 白果 马畈 项冲 高桥 丁冲", 0.25),
    _t("202", "浒湾乡", "乡", "浒湾", 5, "浒湾街 106国道",
       "浒湾 鸡公山 石畈 姚畈 杨山 郭洼 黄塆", 0.3),
    _t("203", "千斤乡", "乡", "千斤", 5, "千斤街",
       "千斤 余冲 严畈 王大塆 叶店 付畈 钱大塆 扬帆", 0.25),
    _t("204", "卡房乡", "乡", "卡房", 2, "卡房街",
       "卡房 连康山 胡山 吴湾 方湾 朱冲 王锡店", 0.2),
    _t("205", "郭家河乡", "乡", "郭家河", 2, "郭家河街",
       "郭家河 彭河 西冲 杨店 刘畈 黄河冲", 0.2),
    _t("206", "陈店乡", "乡", "陈店", 3, "红源路 陈店街",
       "细吴 杜湾 程七 磨云山 代岗 高湾 山口 王湾", 0.3),
    _t("207", "箭厂河乡", "乡", "箭厂河", 3, "箭厂河街",
       "箭厂河 吴家店 郑湾 黄谷畈 肖湾 长冲 刘湾", 0.25),
    _t("208", "泗店乡", "乡", "泗店", 3, "泗店街",
       "泗店 南庄 邱湾 张湾 黄岗 竹林 万冲", 0.25),
    _t("209", "田铺乡", "乡", "田铺", 3, "田铺街 许世友故里路",
       "田铺 黄土岭 河铺 塘畈 宋畈 陶冲 九里冲", 0.25),
    _t("400", "香山湖管理区", "管理区", "香山湖", 2, "香山湖路 环湖路",
       "香山 石河 梅湾 胡冲", 0.4),
]  # fmt: skip

TOWNSHIP_BY_CODE: dict[str, Township] = {t.code: t for t in TOWNSHIPS}


def township_named(name: str) -> Township:
    """The township with this exact name (新集镇), or KeyError."""
    for township in TOWNSHIPS:
        if township.name == name:
            return township
    raise KeyError(name)


def branch_places() -> tuple[tuple[str, int], ...]:
    """Place names used to tell branches apart (XX分公司 / XX分社), with township index.

    Township short names first, then every distinct village; a place is listed once, at
    its first township, so the township of a branch follows from its place.
    """
    seen: dict[str, int] = {}
    for index, township in enumerate(TOWNSHIPS):
        seen.setdefault(township.short, index)
    for index, township in enumerate(TOWNSHIPS):
        for village in township.villages:
            seen.setdefault(village, index)
    return tuple(seen.items())


def shop_places(township: Township) -> tuple[str, ...]:
    """Places inside one township used to tell same-named shops apart (（将军路店）)."""
    return tuple(dict.fromkeys((*township.roads, *township.villages)))
