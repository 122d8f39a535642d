"""When a promise is due: each commitment's target date and the words it came from."""

import pytest

from commitments.letters import parse_letter
from commitments.letters.deadlines import find_deadline

REPLY = "2024-07-23"  # the seed letter's date: relative phrases count from it

PHRASINGS = [
    # (promise as a letter words it, expected ISO date, expected phrase)
    ("力争2025年底前完成改造", "2025-12-31", "2025年底前"),
    ("2025年年底前建成投用", "2025-12-31", "2025年年底前"),
    ("确保2024年9月底前通水调试", "2024-09-30", "2024年9月底前"),
    ("2025年6月30日前完成验收", "2025-06-30", "2025年6月30日前"),
    ("明年6月底前建成", "2025-06-30", "明年6月底前"),
    ("年内完成剩余5处改造", "2024-12-31", "年内"),
    ("今年内出台实施办法", "2024-12-31", "今年内"),
    ("年底前实现全覆盖", "2024-12-31", "年底前"),
    ("预计年底可完成", "2024-12-31", "年底"),
    ("下半年启动二期工程", "2024-12-31", "下半年"),
    ("2025年上半年出台规划", "2025-06-30", "2025年上半年"),
    ("明年上半年完成食堂改造", "2025-06-30", "明年上半年"),
    ("2026年起实行统一票价", "2026-01-01", "2026年起"),
    ("明年起实行城乡公交统一票价", "2025-01-01", "明年起"),
    ("三年内实现社区全覆盖", "2027-07-23", "三年内"),
    ("两年内建成示范区", "2026-07-23", "两年内"),
    ("3个月内完成整改", "2024-10-23", "3个月内"),
    ("半年内完成排查", "2025-01-23", "半年内"),
    ("30个工作日内办结", "2024-09-03", "30个工作日内"),
    ("计划利用三年时间分批完成改造", "2027-07-23", "三年时间"),
    ("预计8月中旬确定施工单位", "2024-08-20", "8月中旬"),
    ("整个工程预计11月份完成", "2024-11-30", "11月份"),
    ("秋季将协同镇政府进行论证", "2024-11-30", "秋季"),
    ("2025年秋季学期起开设课程", "2025-09-01", "2025年秋季学期起"),
    ("2025年春季开学前实现全覆盖", "2025-02-28", "2025年春季开学前"),
    ("第三季度完成招标", "2024-09-30", "第三季度"),
    ("今年汛期前完成水库除险加固", "2024-05-31", "今年汛期前"),
    ("明后年实施改造项目", "2026-12-31", "明后年"),
    ("纳入明年财政预算", "2025-12-31", "明年"),
    ("到2020年将园区打造成百亿级园区", "2020-12-31", "到2020年"),
    ("于2025年完成全部改造", "2025-12-31", "2025年"),
    ("2024年力争完成加装电梯80台", "2024-12-31", "2024年"),
    ("二〇二五年底前完成", "2025-12-31", "二〇二五年底前"),
    ("十月底前完成", "2024-10-31", "十月底前"),
    ("2024年9月前修订补助办法", "2024-08-31", "2024年9月前"),
    ("明年初启动建设", "2025-03-31", "明年初"),
    ("3月底前完成", "2025-03-31", "3月底前"),  # in a July letter: next March
    ("力爭2025年底前實現社區全覆蓋", "2025-12-31", "2025年底前"),
    ("力争今年10月开工建设,2025年6月底前建成投运", "2025-06-30", "2025年6月底前"),
]

NO_DEADLINE = [
    "贯彻落实《三年计划》,推动产业发展",  # a plan's name
    "把小流域综合治理纳入“十四五”水利发展规划",
    "将城西农贸市场纳入2024年农贸市场提升改造计划",  # a year inside a plan's name
    "尽快复工建设",
    "争取早日立项实施",
    "今年以来,我局新开通公交线路4条",
    "每三年开展一次全面检测",
    "继续加强日常巡查,建立长效管理机制",
]


@pytest.mark.parametrize(("promise", "iso", "phrase"), PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_stated_deadline_becomes_a_date_with_its_phrase(promise, iso, phrase):
    deadline = find_deadline(promise, REPLY)

    assert deadline is not None
    assert (deadline.date.isoformat(), deadline.phrase) == (iso, phrase)


@pytest.mark.parametrize("promise", NO_DEADLINE)
def test_names_and_vague_words_are_no_deadline(promise):
    assert find_deadline(promise, REPLY) is None


def test_relative_phrase_without_a_reply_date_keeps_its_words_but_no_date():
    deadline = find_deadline("明年6月底前建成", None)

    assert deadline is not None and deadline.date is None and deadline.phrase == "明年6月底前"


def test_relative_phrase_counts_from_the_reply_date():
    assert find_deadline("明年6月底前建成", "2022-08-05").date.isoformat() == "2023-06-30"
    assert find_deadline("年内完成", "2019-03-01").date.isoformat() == "2019-12-31"


def test_letter_commitments_carry_their_target_date_and_phrase():
    letter = (
        "尊敬的张三代表:\n您提出的《关于加快城西道路改造的建议》收悉,现答复如下:\n"
        "下一步,我局将加快城西道路改造,力争明年6月底前完工。\n"
        "同时,我局将建立道路养护长效机制。\n"
        "某县交通运输局\n2024年7月23日\n"
    )

    commitments = parse_letter(letter)["commitments"]

    assert [(c["target_date"], c["target_phrase"]) for c in commitments] == [
        ("2025-06-30", "明年6月底前"),
        (None, None),
    ]
