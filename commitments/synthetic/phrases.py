"""Chinese phrases the synthetic letters, commitments and progress updates are composed from.

Every bureau kind has its own subjects, so a housing bureau promises lifts and old estates, not
school buildings. "电梯" (lift) appears in about 1% of commitment titles: a realistic word for
benchmarking the text search.
"""

import datetime
import random

# (slug stem, full name after the place, short name after the place prefix, subjects)
BUREAU_KINDS = [
    (
        "development",
        "发展和改革委员会",
        "发改委",
        ["重大项目建设", "营商环境优化", "社会信用体系建设"],
    ),
    (
        "education",
        "教育局",
        "教育局",
        ["中小学校舍建设", "学前教育资源扩容", "课后服务", "教师队伍建设"],
    ),
    ("science", "科学技术局", "科技局", ["科技创新平台建设", "高新技术企业培育", "科技成果转化"]),
    (
        "industry",
        "工业和信息化局",
        "工信局",
        ["专精特新企业培育", "工业园区提档升级", "智能制造改造"],
    ),
    ("police", "公安局", "公安局", ["电信网络诈骗防范", "交通信号灯优化", "电动自行车管理"]),
    ("civil-affairs", "民政局", "民政局", ["居家养老服务", "社区食堂建设", "养老机构提质"]),
    ("justice", "司法局", "司法局", ["公共法律服务体系建设", "人民调解工作"]),
    ("finance", "财政局", "财政局", ["政府采购支持中小企业", "财政资金绩效管理"]),
    (
        "human-resources",
        "人力资源和社会保障局",
        "人社局",
        ["高校毕业生就业", "职业技能培训", "灵活就业人员参保", "欠薪治理"],
    ),
    (
        "planning",
        "自然资源和规划局",
        "资规局",
        ["国土空间规划编制", "历史文化街区保护", "矿山生态修复"],
    ),
    ("ecology", "生态环境局", "生态环境局", ["大气污染防治", "噪声污染治理", "河道水质提升"]),
    (
        "housing",
        "住房和城乡建设局",
        "住建局",
        ["老旧小区改造", "既有住宅加装电梯", "物业管理", "保障性租赁住房建设", "城中村改造"],
    ),
    (
        "transport",
        "交通运输局",
        "交通局",
        ["农村公路提档升级", "公交线网优化", "轨道交通接驳", "出租车服务规范"],
    ),
    ("water", "水利局", "水利局", ["防汛排涝设施建设", "农村饮水安全", "河湖长制落实"]),
    (
        "agriculture",
        "农业农村局",
        "农业农村局",
        ["高标准农田建设", "农村电商发展", "农产品品牌培育", "乡村振兴示范村建设"],
    ),
    (
        "commerce",
        "商务局",
        "商务局",
        ["夜间经济发展", "老字号保护", "跨境电商发展", "农贸市场改造"],
    ),
    (
        "culture",
        "文化广电和旅游局",
        "文广旅局",
        ["公共图书馆建设", "非遗保护传承", "旅游厕所改造", "文旅融合发展"],
    ),
    (
        "health",
        "卫生健康委员会",
        "卫健委",
        [
            "社区卫生服务中心建设",
            "家庭医生签约服务",
            "托育服务体系建设",
            "院前急救网络建设",
            "中医药传承创新",
        ],
    ),
    ("veterans", "退役军人事务局", "退役军人局", ["退役军人就业创业", "退役军人服务站建设"]),
    ("emergency", "应急管理局", "应急局", ["森林防火", "安全生产监管", "应急避难场所建设"]),
    (
        "market",
        "市场监督管理局",
        "市场监管局",
        ["食品安全监管", "知识产权保护", "电梯安全监管", "校外培训收费监管"],
    ),
    ("sports", "体育局", "体育局", ["全民健身设施建设", "体育公园建设", "学校体育场馆开放"]),
    (
        "medical-security",
        "医疗保障局",
        "医保局",
        ["医保异地结算", "长期护理保险试点", "药品集中采购"],
    ),
    (
        "urban-management",
        "城市管理局",
        "城管局",
        ["生活垃圾分类", "背街小巷整治", "口袋公园建设", "城市绿道建设", "公共停车场建设"],
    ),
    ("data", "数据局", "数据局", ["政务服务一网通办", "公共数据开放", "智慧城市建设"]),
    ("government-services", "政务服务管理办公室", "政务办", ["12345热线办理", "企业开办便利化"]),
    (
        "housing-fund",
        "住房公积金管理中心",
        "公积金中心",
        ["住房公积金提取便利化", "灵活就业人员缴存公积金"],
    ),
    ("statistics", "统计局", "统计局", ["统计数据质量提升"]),
    ("disabled", "残疾人联合会", "残联", ["无障碍设施建设", "残疾人就业帮扶"]),
    ("postal", "邮政管理局", "邮政局", ["快递末端网点建设", "农村寄递物流"]),
]
# Two levels of government, so ~60 bureaus; slugs are "city-housing", "district-housing" …
LEVELS = [("city", "某市", "市"), ("district", "某区", "区")]
OFFICES = [
    ("cppcc-committee", "某市政协提案委员会", "市政协提案委"),
    ("congress-office", "某市人大常委会代表工作委员会", "市人大代工委"),
]
SEARCH_WORD = "电梯"

VERBS = ["推进", "加快", "加强", "完善", "优化", "提升", "做好", "规范", "深化", "统筹"]
ADVERBS = ["", "", "进一步", "切实", "大力", "持续"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红玉兰志红海燕晓东春梅"
UNITS = ["个项目", "个点位", "个社区", "个小区", "个站点", "项重点任务", "处设施"]
GOALS = [
    "切实回应群众关切",
    "不断提升群众获得感和满意度",
    "确保各项措施落地见效",
    "推动工作取得实效",
    "形成长效管理机制",
]
PAST_RESULTS = [
    "累计完成{n}{unit}",
    "投入资金{n}万元",
    "出台《关于{subject}的实施方案》",
    "开展专项检查{n}次",
    "召开专题推进会{n}次",
]
PLANS = [
    "计划于{year}年底前完成{n}{unit}",
    "力争{year}年{month}月前完成{n}{unit}",
    "每年安排资金不少于{n}万元",
    "确保{year}年覆盖率达到{pct}%",
    "建立月度调度机制，定期通报进展",
]
PROGRESS_PHRASES = {
    "not_assessed": ["已收到交办任务，正在研究落实方案", "正在开展前期调研，评估实施条件"],
    "not_started": ["项目尚在前期准备阶段，资金申请正在办理", "实施方案待审批，尚未启动"],
    "on_track": ["已完成{pct}%的工作量，进度符合计划", "已完成{n}{unit}，其余按计划推进"],
    "challenges": ["受资金到位影响，进度有所滞后", "因涉及群众意见协调，部分点位推进困难"],
    "stalled": ["受上位规划调整影响，项目暂缓实施", "因用地手续未办结，工作暂时停滞"],
    "ongoing": ["已纳入常态化工作，本期完成{n}{unit}", "持续开展日常工作，本季度处理诉求{n}件"],
    "completed": ["已全部完成，通过验收并投入使用", "各项任务已按期完成"],
    "completed_modified": ["调整实施方案后完成主要任务", "完成{pct}%，剩余部分纳入下一年度计划"],
    "not_pursued": ["经研究论证，该事项不再单独推进", "因政策调整，该事项不再推进"],
}
NEXT_STEPS = ["下一步将加强督促检查。", "下一阶段将加快推进。", "将继续跟踪落实。", ""]
EVIDENCE_DESCRIPTIONS = ["验收报告", "现场照片", "工作简报", "会议纪要", "政府网站公告"]
REVISION_REASONS = [
    "受征地拆迁进度影响，完成时间相应调整。",
    "因项目资金分年度安排，完成时间顺延。",
    "根据上级部门统一部署，调整实施计划。",
]
NOT_PURSUED_REASONS = [
    "经专家论证，该方案不具备实施条件，相关诉求已通过其他方式解决。",
    "因上位规划调整，该事项不再推进，已向提案人当面说明。",
]
RETURN_NOTES = ["请补充佐证材料。", "进展描述过于笼统，请写明完成数量。", "请核实完成比例。"]
CHINESE_NUMERALS = "一二三四五六七八九十"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def we(organisation_name: str) -> str:
    """How a bureau refers to itself in its own letters: 我局, 我委, 我中心 …"""
    for suffix, pronoun in (
        ("委员会", "我委"),
        ("中心", "我中心"),
        ("办公室", "我办"),
        ("联合会", "我会"),
    ):
        if organisation_name.endswith(suffix):
            return pronoun
    return "我局"


def proposal_title(rng: random.Random, subject: str, kind: str) -> str:
    noun = "建议" if kind == "suggestion" else "提案"
    return f"关于{rng.choice(ADVERBS)}{rng.choice(VERBS)}{subject}的{noun}"


def commitment_title(rng: random.Random, subject: str) -> str:
    title = rng.choice(VERBS) + subject
    if rng.random() < 0.3:
        title += "，" + rng.choice(GOALS)
    return title


def promised_text(rng: random.Random, subject: str, pronoun: str, year: int) -> str:
    plan = rng.choice(PLANS).format(
        year=year + rng.randint(0, 2),
        month=rng.randint(3, 12),
        n=rng.randint(2, 200),
        unit=rng.choice(UNITS),
        pct=rng.randint(6, 10) * 10,
    )
    opening = rng.choice(["下一步，", "今后，", f"{year}年，", "在今后工作中，"])
    partner = rng.choice(["", "会同相关部门", "联合各街道（镇）", "牵头"])
    return (
        f"{opening}{pronoun}将{partner}{rng.choice(VERBS)}{subject}，{plan}，{rng.choice(GOALS)}。"
    )


def measure(rng: random.Random, subject: str, pronoun: str, year: int) -> tuple[str, str]:
    """A measure already taken: (short title, text)."""
    title = rng.choice(VERBS) + subject
    result = rng.choice(PAST_RESULTS).format(
        n=rng.randint(2, 500), unit=rng.choice(UNITS), subject=subject
    )
    opening = rng.choice(["近年来，", f"{year - 1}年以来，", "今年以来，"])
    return title, f"{title}。{opening}{pronoun}{result}，{rng.choice(GOALS)}。"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as in session names: 3 → 三, 12 → 十二, 20 → 二十."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十")
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def update_text(rng: random.Random, status: str, as_of: datetime.date) -> str:
    phrase = rng.choice(PROGRESS_PHRASES[status]).format(
        pct=rng.randint(1, 9) * 10, n=rng.randint(1, 80), unit=rng.choice(UNITS)
    )
    return f"截至{as_of.year}年{as_of.month}月{as_of.day}日，{phrase}。{rng.choice(NEXT_STEPS)}"


def reply_letter(*, proposers, proposal_title, measures, commitments, organisation_name, date):
    """The full text of a reply letter, shaped like the real ones (see sample_data/)."""
    lines = [
        f"{'、'.join(proposers)}委员：",
        f"您提出的《{proposal_title}》收悉。现答复如下：",
        "一、已采取措施",
    ]
    lines += [f"{CHINESE_NUMERALS[i]}是{text}" for i, text in enumerate(measures)]
    lines.append("二、下一步计划")
    lines += [f"（{CHINESE_NUMERALS[i]}）{text}" for i, text in enumerate(commitments)]
    lines += [
        "感谢您对我们工作的关心和支持。",
        organisation_name,
        f"{date.year}年{date.month}月{date.day}日",
    ]
    return "\n".join(lines)
