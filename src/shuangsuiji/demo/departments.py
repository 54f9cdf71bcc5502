"""County departments of 新县 and their random-inspection item lists (随机抽查事项清单).

Department names follow the 2019 county institutional reform (e.g. the environment bureau
became 信阳市生态环境局新县分局, a branch of the city bureau). Items are modelled on the
provincial 部门联合抽查事项清单 lines; legal bases cite real laws and regulations, with an
article number where the inspection power is stated in one article.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTERPRISE = "企业"
INDIVIDUAL = "个体工商户"
COOPERATIVE = "农民专业合作社"
OTHER = "其他"
MARKET_KINDS = (ENTERPRISE, INDIVIDUAL, COOPERATIVE)

DOCUMENT = "书面检查"
ON_SITE = "实地核查"
ONLINE = "网络监测"
EXPERT = "专业机构核查"


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    """A county department that runs random inspections."""

    code: str  # SJ — stable key, also the prefix of item codes and demo usernames
    name: str  # 新县市场监督管理局
    short_name: str  # 新市监 — used in task numbers such as 新市监抽查〔2026〕3号
    is_lead: bool  # 牵头部门 for joint inspections
    sort_order: int
    expertise: tuple[str, ...]  # 业务专长 tags its inspectors carry
    positions: tuple[str, ...]  # 职务 of its inspectors, commonest first
    inspector_count: int  # default size of its inspector directory


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One 随机抽查事项 (a line of the department's item list)."""

    code: str  # SJ-001
    department_code: str
    name: str
    legal_basis: str  # 检查依据
    inspecting_body: str  # 检查主体
    content: str  # 检查内容
    method: str  # 检查方式: 书面检查 / 实地核查 / 网络监测 / 专业机构核查
    target_kinds: tuple[str, ...]  # 企业 / 个体工商户 / 农民专业合作社 / 其他
    is_key: bool  # 重点 (True) or 一般 (False)
    industry_codes: tuple[str, ...]  # GB/T 4754 prefixes it covers; empty = every industry

    @property
    def target_kind(self) -> str:
        """The kinds as one display string (企业、个体工商户)."""
        return "、".join(self.target_kinds)

    @property
    def key_label(self) -> str:
        return "重点" if self.is_key else "一般"

    def applies_to(self, industry_code: str, kind: str) -> bool:
        """Whether an entity of this industry and kind falls under the item."""
        if kind not in self.target_kinds:
            return False
        return not self.industry_codes or industry_code.startswith(self.industry_codes)


_SJ_POSITIONS = ("科员", "一级科员", "执法大队队员", "市场监管所所长", "副所长", "副科长",
                 "四级主任科员", "执法大队副大队长")  # fmt: skip
_GENERIC_POSITIONS = ("科员", "一级科员", "执法大队队员", "副科长", "科长", "四级主任科员",
                      "执法大队副大队长")  # fmt: skip

DEPARTMENTS: list[DepartmentSpec] = [
    DepartmentSpec("SJ", "新县市场监督管理局", "新市监", True, 1,
                   ("食品安全", "特种设备", "药品", "广告", "价格", "知识产权", "计量",
                    "产品质量", "登记注册", "网络交易"), _SJ_POSITIONS, 48),
    DepartmentSpec("HB", "信阳市生态环境局新县分局", "新环", False, 2,
                   ("环保", "大气污染", "水污染", "固体废物", "环境影响评价"),
                   ("科员", "环境监察大队队员", "副大队长", "副科长", "四级主任科员"), 14),
    DepartmentSpec("YJ", "新县应急管理局", "新应急", False, 3,
                   ("安全生产", "危险化学品", "消防", "非煤矿山", "烟花爆竹"),
                   ("科员", "执法大队队员", "副科长", "科长", "执法大队大队长"), 14),
    DepartmentSpec("WJ", "新县卫生健康委员会", "新卫健", False, 4,
                   ("公共卫生", "医疗执业", "职业卫生", "饮用水卫生", "传染病防治"),
                   ("卫生监督员", "科员", "卫生监督所副所长", "副科长"), 14),
    DepartmentSpec("JT", "新县交通运输局", "新交运", False, 5,
                   ("交通运输", "道路运输", "机动车维修", "工程质量"),
                   ("科员", "交通运输综合执法大队队员", "副大队长", "副科长"), 12),
    DepartmentSpec("ZJ", "新县住房和城乡建设局", "新住建", False, 6,
                   ("建筑施工", "房地产", "物业管理", "燃气安全"), _GENERIC_POSITIONS, 12),
    DepartmentSpec("WL", "新县文化广电和旅游局", "新文旅", False, 7,
                   ("文化市场", "旅游", "出版物", "网吧"),
                   ("科员", "文化市场综合执法大队队员", "副大队长", "副科长"), 10),
    DepartmentSpec("NY", "新县农业农村局", "新农", False, 8,
                   ("农资", "种子", "兽药", "农产品质量", "动物防疫"),
                   ("科员", "农业综合行政执法大队队员", "副大队长", "副科长", "农艺师"), 14),
    DepartmentSpec("ZR", "新县自然资源和规划局", "新自然", False, 9,
                   ("国土", "矿产", "林业", "测绘"), _GENERIC_POSITIONS, 10),
    DepartmentSpec("JY", "新县教育体育局", "新教体", False, 10,
                   ("教育培训", "体育", "校园安全"), ("科员", "副科长", "督学"), 8),
    DepartmentSpec("RS", "新县人力资源和社会保障局", "新人社", False, 11,
                   ("劳动保障", "人力资源", "社会保险"),
                   ("劳动保障监察员", "科员", "劳动保障监察大队副大队长"), 8),
    DepartmentSpec("SW", "国家税务总局新县税务局", "新税", False, 12,
                   ("税务", "发票", "纳税评估"),
                   ("一级行政执法员", "二级行政执法员", "税务分局副局长", "股长"), 16),
    DepartmentSpec("SH", "新县商务局", "新商务", False, 13,
                   ("商贸流通", "再生资源", "成品油"), ("科员", "副科长", "商务执法员"), 6),
    DepartmentSpec("GA", "新县公安局", "新公", False, 14,
                   ("治安", "特种行业", "消防"),
                   ("民警", "治安大队民警", "派出所副所长", "警务辅助人员"), 12),
]  # fmt: skip

DEPARTMENT_BY_CODE: dict[str, DepartmentSpec] = {d.code: d for d in DEPARTMENTS}

_M = MARKET_KINDS
_EI = (ENTERPRISE, INDIVIDUAL)
_E = (ENTERPRISE,)
_FOOD_TRADE = ("H62", "F5212", "F5213", "F5219", "F5226", "F5229", "F5224", "F5121", "F5127")


# name, legal basis, content, method, target kinds, is key, industry prefixes
_Row = tuple[str, str, str, str, tuple[str, ...], bool, tuple[str, ...]]


def _items(dept: str, body: str, rows: list[_Row]) -> list[ItemSpec]:
    return [
        ItemSpec(
            f"{dept}-{n:03d}", dept, name, basis, body, content, method, kinds, key, industries
        )
        for n, (name, basis, content, method, kinds, key, industries) in enumerate(rows, 1)
    ]


_ITEMS: dict[str, list[ItemSpec]] = {
    "SJ": _items("SJ", "新县市场监督管理局", [
        ("企业公示信息抽查", "《企业信息公示暂行条例》第十四条",
         "企业年度报告公示信息、即时公示信息的真实性", DOCUMENT, _E, True, ()),
        ("个体工商户、农民专业合作社年度报告公示信息抽查",
         "《个体工商户年度报告暂行办法》；《农民专业合作社年度报告公示办法》",
         "年度报告公示信息的真实性", DOCUMENT, (INDIVIDUAL, COOPERATIVE), False, ()),
        ("食品经营许可情况检查", "《中华人民共和国食品安全法》第一百一十条；"
         "《食品经营许可和备案管理办法》",
         "食品经营许可证持证情况、经营场所与许可事项一致性、从业人员健康管理、进货查验记录",
         ON_SITE, _EI, True, _FOOD_TRADE),
        ("食品生产企业监督检查", "《中华人民共和国食品安全法》第一百一十条；"
         "《食品生产经营监督检查管理办法》",
         "生产许可条件保持、原辅料管理、生产过程控制、出厂检验", ON_SITE, _EI, True,
         ("C13", "C14", "C15")),
        ("特种设备使用单位检查", "《中华人民共和国特种设备安全法》第五十七条",
         "特种设备使用登记、定期检验、作业人员持证、安全管理制度", ON_SITE, _E, True,
         ("H61", "K70", "N786", "C", "F5265", "D45")),
        ("广告发布行为检查", "《中华人民共和国广告法》第四十九条",
         "广告内容真实性、禁止性规定执行情况、广告发布登记", ONLINE, _EI, False, ()),
        ("明码标价和价格行为检查", "《中华人民共和国价格法》第三十四条；"
         "《明码标价和禁止价格欺诈规定》",
         "明码标价执行情况、价格欺诈行为", ON_SITE, _EI, False,
         ("F52", "H61", "H62", "N786", "O80")),
        ("药品零售企业检查", "《中华人民共和国药品管理法》第九十九条",
         "药品经营许可证、执业药师在岗、处方药销售、药品购销记录", ON_SITE, _EI, True,
         ("F525",)),
    ]),
    "HB": _items("HB", "信阳市生态环境局新县分局", [
        ("排污许可证执行情况检查", "《排污许可管理条例》第二十八条",
         "持证排污、按证排污、自行监测、台账记录与执行报告", ON_SITE, _E, True,
         ("C", "D4", "A0313")),
        ("排污单位现场检查", "《中华人民共和国环境保护法》第二十四条",
         "污染防治设施运行、污染物排放情况", ON_SITE, _EI, True, ("C", "O8111", "Q84")),
        ("大气污染防治检查", "《中华人民共和国大气污染防治法》第二十九条",
         "扬尘、挥发性有机物、餐饮油烟治理设施运行", ON_SITE, _EI, False,
         ("C30", "E", "H62")),
        ("水污染防治检查", "《中华人民共和国水污染防治法》第三十条",
         "废水处理设施运行、排污口设置", ON_SITE, _EI, False, ("C13", "C14", "A03", "H61")),
        ("固体废物污染环境防治检查", "《中华人民共和国固体废物污染环境防治法》第二十六条",
         "一般工业固体废物和危险废物贮存、转移、处置", EXPERT, _E, False, ("C", "O8111", "Q84")),
    ]),
    "YJ": _items("YJ", "新县应急管理局", [
        ("工贸企业安全生产条件检查", "《中华人民共和国安全生产法》第六十五条",
         "安全生产责任制、安全培训、隐患排查治理、应急预案", ON_SITE, _E, True, ("C",)),
        ("危险化学品经营单位检查", "《危险化学品安全管理条例》第六条",
         "经营许可、储存条件、安全管理制度", ON_SITE, _EI, True, ("F5265", "F5167", "D4512")),
        ("非煤矿山企业安全生产检查", "《非煤矿矿山企业安全生产许可证实施办法》",
         "安全生产许可证、边坡管理、爆破作业", ON_SITE, _E, True, ("C3032",)),
        ("烟花爆竹零售经营单位检查", "《烟花爆竹安全管理条例》",
         "零售许可、限量存放、防火措施", ON_SITE, _EI, False, ("F5219", "F5213", "F5212")),
        ("粉尘涉爆企业检查", "《工贸企业粉尘防爆安全规定》",
         "除尘系统、粉尘清理制度、防爆电气", ON_SITE, _E, False, ("C2041", "C2110", "C1530")),
    ]),
    "WJ": _items("WJ", "新县卫生健康委员会", [
        ("公共场所卫生监督检查", "《公共场所卫生管理条例》；《公共场所卫生管理条例实施细则》",
         "卫生许可证、从业人员健康证明、卫生检测、公共用品清洗消毒", ON_SITE, _EI, True,
         ("H61", "O8040", "O8053", "R8930", "R9011")),
        ("医疗机构依法执业检查", "《医疗机构管理条例》；《中华人民共和国基本医疗卫生与健康促进法》",
         "执业许可、医务人员资质、医疗废物处置、传染病预检分诊", ON_SITE, _EI, True, ("Q84",)),
        ("生活饮用水卫生监督检查", "《生活饮用水卫生监督管理办法》",
         "供水单位卫生许可、水质检测、直接从事供管水人员健康体检", EXPERT, _E, False,
         ("D4610",)),
        ("用人单位职业卫生检查", "《中华人民共和国职业病防治法》第六十二条",
         "职业病危害项目申报、职业健康检查、防护设施", ON_SITE, _E, False,
         ("C30", "C2041", "C2110", "E")),
    ]),
    "JT": _items("JT", "新县交通运输局", [
        ("道路旅客运输经营者检查", "《中华人民共和国道路运输条例》；"
         "《道路旅客运输及客运站管理规定》",
         "经营许可、车辆技术状况、驾驶员从业资格、动态监控", ON_SITE, _E, True, ("G542",)),
        ("道路货物运输经营者检查", "《中华人民共和国道路运输条例》；《道路货物运输及站场管理规定》",
         "经营许可、车辆年审、从业人员资格", DOCUMENT, _EI, False, ("G543",)),
        ("机动车维修经营者检查", "《机动车维修管理规定》",
         "维修备案、维修档案、配件来源、竣工出厂合格证", ON_SITE, _EI, False, ("O811",)),
        ("公路工程质量安全检查", "《公路水运工程质量监督管理规定》",
         "施工质量保证体系、试验检测、安全防护", EXPERT, _E, True, ("E4812",)),
    ]),
    "ZJ": _items("ZJ", "新县住房和城乡建设局", [
        ("建筑施工企业安全生产条件检查", "《建设工程安全生产管理条例》；"
         "《建筑施工企业安全生产许可证管理规定》",
         "安全生产许可证、项目负责人和专职安全员配备、危大工程管控", ON_SITE, _E, True,
         ("E47", "E49", "E50")),
        ("房地产开发企业检查", "《房地产开发企业资质管理规定》；《城市房地产开发经营管理条例》",
         "资质、预售许可、预售资金监管", DOCUMENT, _E, False, ("K7010",)),
        ("物业服务企业检查", "《物业管理条例》",
         "物业服务合同履行、收费公示、消防设施维护", ON_SITE, _E, False, ("K7020",)),
        ("燃气经营企业检查", "《城镇燃气管理条例》",
         "燃气经营许可、气瓶充装、安全检查制度", ON_SITE, _EI, True, ("D45",)),
    ]),
    "WL": _items("WL", "新县文化广电和旅游局", [
        ("旅行社经营行为检查", "《旅行社条例》；《旅行社条例实施细则》",
         "经营许可、质量保证金、旅游合同、导游聘用", DOCUMENT, _E, False, ("L7291",)),
        ("A级旅游景区服务质量检查", "《旅游景区质量等级管理办法》",
         "游客服务中心、安全设施、厕所、导览标识", ON_SITE, _E, True, ("N786",)),
        ("娱乐场所经营行为检查", "《娱乐场所管理条例》",
         "经营许可、营业时间、未成年人保护、曲目内容", ON_SITE, _EI, False, ("R9011",)),
        ("互联网上网服务营业场所检查", "《互联网上网服务营业场所管理条例》",
         "接纳未成年人、实名登记、营业时间", ON_SITE, _EI, True, ("R9013",)),
        ("旅游民宿服务质量检查", "《旅游民宿基本要求与等级划分》（GB/T 41648-2022）",
         "安全、卫生、服务规范", ON_SITE, _EI, False, ("H6130",)),
    ]),
    "NY": _items("NY", "新县农业农村局", [
        ("农药经营单位检查", "《农药管理条例》第四十一条",
         "农药经营许可、限制使用农药定点经营、购销台账", ON_SITE, _EI, True, ("F5167",)),
        ("农作物种子经营者检查", "《中华人民共和国种子法》",
         "种子标签和使用说明、经营档案、备案", ON_SITE, _EI, False, ("F5167", "A0212", "A0162")),
        ("农产品质量安全检查", "《中华人民共和国农产品质量安全法》",
         "农业投入品使用记录、承诺达标合格证、农药残留", EXPERT, _M, True, ("A01", "A03")),
        ("畜禽养殖场动物防疫条件检查", "《中华人民共和国动物防疫法》",
         "动物防疫条件合格证、免疫档案、病死畜禽无害化处理", ON_SITE, _M, True,
         ("A031", "A032")),
        ("农民专业合作社规范运行检查", "《中华人民共和国农民专业合作社法》",
         "成员账户、盈余分配、财务公开", DOCUMENT, (COOPERATIVE,), False, ()),
    ]),
    "ZR": _items("ZR", "新县自然资源和规划局", [
        ("矿产资源开发利用检查", "《中华人民共和国矿产资源法》",
         "采矿许可、开采范围、矿山地质环境治理", ON_SITE, _E, True, ("C3032",)),
        ("土地利用情况检查", "《中华人民共和国土地管理法》第六十七条",
         "用地批准文件、按批准用途使用土地", ON_SITE, _E, False, ("K7010", "E", "N786")),
        ("林木采伐和林地使用检查", "《中华人民共和国森林法》",
         "采伐许可、林地使用审批", ON_SITE, _M, False, ("A02", "A0162", "A0161")),
    ]),
    "JY": _items("JY", "新县教育体育局", [
        ("校外培训机构检查", "《中华人民共和国民办教育促进法》",
         "办学许可、收费管理、培训内容", ON_SITE, _E, True, ("P839",)),
        ("高危险性体育项目经营场所检查", "《全民健身条例》；《经营高危险性体育项目许可管理办法》",
         "经营许可、社会体育指导人员、救生员配备", ON_SITE, _EI, True, ("R8930",)),
        ("体育培训和健身场所检查", "《全民健身条例》", "场所安全、器材维护、预付费管理",
         ON_SITE, _EI, False, ("R8930",)),
    ]),
    "RS": _items("RS", "新县人力资源和社会保障局", [
        ("用人单位遵守劳动保障法律法规情况检查", "《劳动保障监察条例》第十五条",
         "劳动合同签订、工资支付、工时休假、社会保险参保", DOCUMENT, _E, True, ()),
        ("劳务派遣单位检查", "《劳务派遣行政许可实施办法》",
         "劳务派遣许可、同工同酬、派遣比例", DOCUMENT, _E, False, ("L7263",)),
        ("工程建设领域农民工工资支付检查", "《保障农民工工资支付条例》",
         "农民工实名制、工资专用账户、工资保证金", ON_SITE, _E, True, ("E",)),
    ]),
    "SW": _items("SW", "国家税务总局新县税务局", [
        ("纳税人申报纳税情况检查", "《中华人民共和国税收征收管理法》第五十四条",
         "纳税申报、税款缴纳、账簿凭证", DOCUMENT, _M, True, ()),
        ("发票使用情况检查", "《中华人民共和国发票管理办法》",
         "发票开具、取得、保管", DOCUMENT, _EI, False, ()),
        ("定期定额个体工商户核定检查", "《个体工商户税收定期定额征收管理办法》",
         "定额核定依据、经营额变化", ON_SITE, (INDIVIDUAL,), False, ()),
    ]),
    "SH": _items("SH", "新县商务局", [
        ("单用途商业预付卡发卡企业检查", "《单用途商业预付卡管理办法（试行）》",
         "备案、预收资金管理、发卡规模", DOCUMENT, _E, False,
         ("F5212", "O8040", "O8053", "R8930", "H62")),
        ("再生资源回收经营者检查", "《再生资源回收管理办法》", "备案、回收台账、场地环境",
         ON_SITE, _EI, False, ("F5191",)),
        ("成品油零售经营企业检查", "《中华人民共和国安全生产法》；《成品油流通企业管理规定》",
         "经营资质、进销存台账、油品来源", ON_SITE, _E, True, ("F5265",)),
    ]),
    "GA": _items("GA", "新县公安局", [
        ("旅馆业治安管理检查", "《旅馆业治安管理办法》",
         "特种行业许可、旅客住宿登记、治安防范设施", ON_SITE, _EI, True, ("H61",)),
        ("废旧金属收购业治安检查", "《废旧金属收购业治安管理办法》",
         "备案、收购登记、禁收物品", ON_SITE, _EI, False, ("F5191",)),
        ("互联网上网服务营业场所信息网络安全检查", "《互联网上网服务营业场所管理条例》",
         "网络安全技术措施、上网日志留存", ON_SITE, _EI, False, ("R9013",)),
    ]),
}  # fmt: skip


def items_for(department_code: str) -> list[ItemSpec]:
    """The item list of one department (KeyError for an unknown code)."""
    if department_code not in DEPARTMENT_BY_CODE:
        raise KeyError(department_code)
    return list(_ITEMS[department_code])


def all_items() -> list[ItemSpec]:
    """Every department's items, in department order."""
    return [item for dept in DEPARTMENTS for item in _ITEMS[dept.code]]
