"""The four joint-punishment lists of 新政办〔2019〕54号 二(九) and the default rule table.

The legal-basis texts are defaults for system administrators to check against the county's
own documents and edit in the admin; the rules themselves follow 二(六) (higher ratios for
the abnormal-operation and serious-illegal-dishonest lists) and 二(九) (joint punishment in
procurement, bidding, land transfer and honours)."""

from django.db import migrations

SEED_DOC = "《新县全面推行“双随机一公开”监管工作实施方案》（新政办〔2019〕54号）"
SAMPLING_BASIS = (
    f"{SEED_DOC}二(六)：对列入经营异常名录和严重违法失信企业名单或者有其他严重违法记录的"
    "监管对象，要适当提高抽查比例，增加抽查频次，加大检查力度。"
)
JOINT = f"{SEED_DOC}二(九)：在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中实施联合惩戒。"

LISTS = [
    (
        "abnormal",
        "经营异常名录",
        "Abnormal-operation list",
        10,
        "《企业信息公示暂行条例》第十七条；《企业经营异常名录管理暂行办法》。",
        "《企业信息公示暂行条例》第十八条：在政府采购、工程招投标、国有土地出让、授予荣誉称号等"
        "工作中，将企业信息作为重要考量因素，对被列入经营异常名录或者严重违法企业名单的企业依法"
        "予以限制或者禁入。" + JOINT,
    ),
    (
        "serious_illegal",
        "严重违法失信名单",
        "Serious-illegal-dishonest list",
        20,
        "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）。",
        "《企业信息公示暂行条例》第十八条；《市场监督管理严重违法失信名单管理办法》"
        "（国家市场监督管理总局令第44号）关于对列入严重违法失信名单的当事人实施管理措施的规定。"
        + JOINT,
    ),
    (
        "major_tax",
        "重大税收违法失信主体名单",
        "Major tax violation parties",
        30,
        "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）。",
        "《关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录》。" + JOINT,
    ),
    (
        "dishonest_debtor",
        "失信被执行人名单",
        "Dishonest judgment debtors",
        40,
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》。",
        "中共中央办公厅、国务院办公厅《关于加快推进失信被执行人信用监督、警示和惩戒机制建设的意见》；"
        "《关于对失信被执行人实施联合惩戒的合作备忘录》。" + JOINT,
    ),
]
ACTIVITIES = ("procurement", "bidding", "land_transfer", "honours")


def seed(apps, schema_editor):
    CreditList = apps.get_model("credit", "CreditList")
    EffectRule = apps.get_model("credit", "EffectRule")
    for code, name, name_en, order, basis, restrict_basis in LISTS:
        credit_list, created = CreditList.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "sort_order": order,
                "legal_basis": basis,
            },
        )
        if not created:
            continue
        for activity in ACTIVITIES:
            EffectRule.objects.create(
                credit_list=credit_list,
                effect="restrict",
                activity=activity,
                legal_basis=restrict_basis,
            )
        if code == "abnormal":
            EffectRule.objects.create(
                credit_list=credit_list, effect="tickets", tickets=2, legal_basis=SAMPLING_BASIS
            )
        if code == "serious_illegal":
            EffectRule.objects.create(
                credit_list=credit_list, effect="stratum", stratum="D", legal_basis=SAMPLING_BASIS
            )


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_lists_and_risk_classes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
