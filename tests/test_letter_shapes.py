"""The shapes real copies take (letter-shapes.md, its later sections), one behaviour at a time."""

import pytest

from commitments.letters import parse_letter, read_heading
from commitments.letters.dates import compact_date

BODY = (
    "  您提出的《关于加快城西道路改造的建议》收悉,现答复如下:\n  下一步,我局将加快城西道路改造。\n"
)
SIGNED = "某县交通运输局\n2024年7月23日\n"


def letter(head="", salutation="张三代表:\n", body=BODY, tail=SIGNED, after=""):
    return f"{head}{salutation}{body}{tail}{after}"


@pytest.mark.parametrize(
    ("mark", "where", "category"),
    [
        ("A", "head", "A"),
        ("办理结果:(C)", "after", "C"),
        ("办理结果:B", "head", "B"),
        ("(复文分类:B)", "head", "B"),
        ("(B类)", "after", "B"),
        ("答复类别:A.已经解决;B.正在解决;C.暂不能解决;D.留作参考\n本件类别:C", "head", "C"),
        ("类别:提案", "head", None),
    ],
)
def test_class_mark_is_read_wherever_it_stands(mark, where, category):
    text = letter(
        head=f"{mark}\n" if where == "head" else "", after=f"{mark}\n" * (where == "after")
    )

    assert parse_letter(text)["category"] == category


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("二00七年五月十日", "2007-05-10"),
        ("二〇二四年七月二十三日", "2024-07-23"),
        ("2024619", "2024-06-19"),
        ("202285", "2022-08-05"),
        ("2023717", "2023-07-17"),
        ("2023 614", "2023-06-14"),
    ],
)
def test_signature_dates_in_every_written_form(written, iso):
    assert parse_letter(letter(tail=f"某县交通运输局\n{written}\n"))["reply_date"] == iso


def test_ambiguous_run_together_date_is_not_guessed():
    assert compact_date("2023111") is None  # 1 November or 11 January


@pytest.mark.parametrize(
    ("salutation", "proposers", "kind"),
    [
        ("桃源镇代表团:\n", ["桃源镇代表团"], "suggestion"),
        ("民盟清江市委员会:\n", ["民盟清江市委员会"], "proposal"),
        ("县工商联:\n", ["县工商联"], "proposal"),
        ("范吉军等13位人大代表:\n", ["范吉军"], "suggestion"),
        ("尊敬袁大金代表:\n", ["袁大金"], "suggestion"),
        (
            "领衔人:孙国华\n附议人:钱丽、吴海军、郑宏\n孙国华代表:\n",
            ["孙国华", "钱丽", "吴海军", "郑宏"],
            None,
        ),
    ],
)
def test_proposers_that_are_not_one_named_person(salutation, proposers, kind):
    result = parse_letter(letter(salutation=salutation))

    assert result["proposers"] == proposers
    assert kind is None or result["kind"] == kind


def test_pinyin_glosses_are_dropped_from_what_is_read():
    text = letter(
        head="關於政協(xié)南山區第五屆委員會第三次會議第112號提案的答覆\n",
        salutation="王志強委員:\n",
        body=(
            "  您提出的《關於增設社區養(yǎng)老服務站的提案》收悉。現答覆如下:\n"
            "  下一步,我局將利用閒(xián)置用房改建養老服務站。\n"
        ),
    )

    result = parse_letter(text)

    assert result["title"] == "關於增設社區養老服務站的提案"
    assert result["session"] == "政協南山區第五屆委員會第三次會議"
    assert result["commitments"][0]["text"] == "下一步,我局將利用閒置用房改建養老服務站。"
    assert "(xié)" not in read_heading(text)


def test_whole_letter_on_one_line_is_read_as_paragraphs():
    text = letter().replace("\n", "").replace("  ", "")

    result = parse_letter(text)

    assert (result["organisation"], result["reply_date"]) == ("某县交通运输局", "2024-07-23")
    assert [c["text"] for c in result["commitments"]] == ["下一步,我局将加快城西道路改造。"]


def test_letter_printed_twice_is_read_once():
    once = "对县人大第5号建议的答复\n" + letter()

    result = parse_letter(once + "\n" + once)

    assert len(result["commitments"]) == 1


@pytest.mark.parametrize("publisher", ["发布机构:管理员", "来源:本站", "来源:某县人民政府网"])
def test_page_field_naming_the_website_is_not_the_replier(publisher):
    text = f"{publisher}\n某县交通运输局关于县人大第5号建议的答复\n" + letter(
        tail="2024年7月23日\n"
    )

    result = parse_letter(text)

    assert result["organisation"] == "某县交通运输局"
    assert any(w.startswith("[organisation]") for w in result["warnings"])


def test_structured_record_supplies_the_replier_and_the_date():
    head = (
        "建议人:张三\n主办单位:某县交通运输局\n"
        "会办单位:某县财政局、某县自然资源局\n答复时间:2024-07-23\n"
    )

    result = parse_letter(letter(head=head, tail=""))

    assert (result["organisation"], result["reply_date"]) == ("某县交通运输局", "2024-07-23")
    assert {w[1:].split("]")[0] for w in result["warnings"]} >= {"organisation", "reply_date"}


def test_bare_bullets_are_read_by_the_shape_of_each_value():
    head = "· 000014349/2024-00871\n· 南溪县住房和城乡建设局\n· 2024-07-15\n"

    result = parse_letter(letter(head=head, tail=""))

    assert result["index_number"] == "000014349/2024-00871"
    assert (result["organisation"], result["reply_date"]) == (
        "南溪县住房和城乡建设局",
        "2024-07-15",
    )


def test_yian_in_the_title_makes_a_congress_suggestion():
    text = letter(
        salutation="",
        body="您提出的《关于修缮村道的议案》收悉,现答复如下:\n下一步,我局将修缮村道。\n",
    )

    assert parse_letter(text)["kind"] == "suggestion"


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("关于县第十八届人大第五次会议第DH123号建议的复函", "DH123"),
        ("对云南省第十二届人大第五次会议第 JY100012050700号建议的答复", "JY100012050700"),
        ("004(1).对区十七届人大一次会议第04-1号建议的办理答复", "04-1"),
    ],
)
def test_numbers_with_letters_or_parts_are_kept_as_written(heading, number):
    assert parse_letter(letter(head=f"{heading}\n"))["number"] == number
