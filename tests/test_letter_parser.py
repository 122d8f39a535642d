"""The reply-letter parser (commitments.letters): pure Python, no database needed."""

import io
import json
import random
import re
from pathlib import Path

import pytest
from docx import Document as WordDocument
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.letters import LetterFileError, extract_text, parse_letter, read_heading

LETTERS = Path(__file__).parent / "letters"
SEED = Path(__file__).resolve().parent.parent / "sample_data" / "reply-xinwu-2024-20.txt"
KEYS = {
    "kind",
    "number",
    "session",
    "proposers",
    "title",
    "organisation",
    "reply_date",
    "published_date",
    "index_number",
    "document_number",
    "category",
    "signer",
    "contact",
    "measures",
    "commitments",
    "warnings",
}
STRING_FIELDS = KEYS - {"proposers", "contact", "measures", "commitments", "warnings"}
LETTER_FILES = sorted(LETTERS.glob("*.txt"))
# Letters written apart from the parser to measure how it generalises, kept as regression tests.
HOLDOUT_FILES = sorted((LETTERS / "holdout").glob("*.txt"))
HOLDOUT2_FILES = sorted((LETTERS / "holdout2").glob("*.txt"))
HOLDOUT3_FILES = sorted((LETTERS / "holdout3").glob("*.txt"))
# The fourth round: the shapes of letter-shapes.md's later sections, written from the text alone.
HOLDOUT4_FILES = sorted((LETTERS / "holdout4").glob("*.txt"))


def read_letter(path: Path) -> str:
    return extract_text(path.read_bytes(), path.name)


def warning_fields(warnings: list[str]) -> set[str]:
    # Expected warnings name their field bare ("reply_date") or as the parser writes them.
    return {re.match(r"\[?(\w+)", w).group(1) for w in warnings}


def assert_schema(result: dict) -> None:
    assert set(result) == KEYS
    assert not any("解析时出错" in w for w in result["warnings"]), "internal error swallowed"
    for key in STRING_FIELDS:
        assert result[key] is None or isinstance(result[key], str), key
    assert result["kind"] in (None, "proposal", "suggestion")
    assert result["category"] in (None, "A", "B", "C", "D")
    for key in ("reply_date", "published_date"):
        assert result[key] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", result[key])
    assert isinstance(result["proposers"], list)
    assert all(isinstance(name, str) and name for name in result["proposers"])
    contact = result["contact"]
    assert contact is None or (set(contact) == {"name", "phone"} and any(contact.values()))
    for key in ("measures", "commitments"):
        assert isinstance(result[key], list)
        for entry in result[key]:
            extra = {"target_date", "target_phrase"} if key == "commitments" else set()
            assert set(entry) == {"title", "text"} | extra
            assert isinstance(entry["title"], str) and isinstance(entry["text"], str)
            assert entry["text"]
    for entry in result["commitments"]:
        due = entry["target_date"]
        assert due is None or (re.fullmatch(r"\d{4}-\d{2}-\d{2}", due) and entry["target_phrase"])
    assert isinstance(result["warnings"], list)
    for warning in result["warnings"]:
        # Each warning names its field so the import preview can show it beside that field.
        assert re.match(r"\[(\w+)\] \S", warning), warning
        assert warning_fields([warning]) <= KEYS


# -- the seed letter ---------------------------------------------------------------------------


def test_seed_letter_parses_exactly():
    result = parse_letter(SEED.read_text(encoding="utf-8"))

    assert {k: v for k, v in result.items() if k not in ("measures", "commitments")} == {
        "kind": "proposal",
        "number": "20",
        "session": "区政协二届三次会议",
        "proposers": ["袁伟"],
        "title": "关于推动无锡高新区人工智能产业高质量集聚发展的建议",
        "organisation": "无锡高新区(新吴区)工业和信息化局",
        "reply_date": "2024-07-23",
        "published_date": "2024-08-16",
        "index_number": "014032126/2024-01636",
        "document_number": None,
        "category": None,
        "signer": None,
        "contact": {"name": "徐嘉", "phone": "15061894249"},
        "warnings": [],
    }
    assert [m["title"] for m in result["measures"]] == [
        "深化政策引领,注重全链带动",
        "夯实发展底座,推动算力建设",
        "搭建公共平台,完善产业服务",
        "完善人才政策,加大招引力度",
        "浓厚产业氛围,加强品牌建设",
    ]
    assert [c["title"] for c in result["commitments"]] == [
        "加强政策引领,推动产业高质量发展",
        "开展精准招商,强化龙头企业引领",
        "提高创新能力,持续攻关核心技术",
        "优化产业生态,营造良好发展环境",
    ]


def test_seed_letter_items_keep_their_full_verbatim_text():
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [line.strip() for line in text.splitlines()]
    result = parse_letter(text)

    for marker, entry in zip("一二三四五", result["measures"], strict=True):
        assert f"{marker}是{entry['text']}" in paragraphs
    for marker, entry in zip("一二三四", result["commitments"], strict=True):
        assert f"({marker}){entry['text']}" in paragraphs


def test_seed_letter_list_introduction_is_not_a_commitment():
    result = parse_letter(SEED.read_text(encoding="utf-8"))

    assert not any("四个方面发力" in c["text"] for c in result["commitments"])


# -- every letter shape --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    LETTER_FILES + HOLDOUT_FILES + HOLDOUT2_FILES + HOLDOUT3_FILES + HOLDOUT4_FILES,
    ids=lambda p: str(p.relative_to(LETTERS).with_suffix("")),
)
def test_letter_parses_to_its_expected_fields(path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))

    result = parse_letter(read_letter(path))

    assert_schema(result)
    assert {k: v for k, v in result.items() if k != "warnings"} == {
        k: v for k, v in expected.items() if k != "warnings"
    }
    assert warning_fields(expected["warnings"]) <= warning_fields(result["warnings"])


def test_there_is_a_test_letter_for_every_shape():
    assert len(LETTER_FILES) >= 22 and len(HOLDOUT_FILES) >= 20 and len(HOLDOUT2_FILES) >= 16
    assert len(HOLDOUT3_FILES) >= 10 and len(HOLDOUT4_FILES) >= 10
    all_files = LETTER_FILES + HOLDOUT_FILES + HOLDOUT2_FILES + HOLDOUT3_FILES + HOLDOUT4_FILES
    assert all(path.with_suffix(".json").exists() for path in all_files)


def test_traditional_letter_comes_back_in_traditional_characters():
    result = parse_letter(read_letter(LETTERS / "08-traditional.txt"))

    assert result["title"] == "關於加強農村飲用水安全保障的建議"
    assert result["proposers"] == ["張曉華"]
    assert result["kind"] == "proposal"


def test_links_to_neighbouring_letters_do_not_supply_the_number():
    text = "上一篇:对区政协二届三次会议第107号提案的答复函\n" + SEED.read_text(encoding="utf-8")
    text = text.replace("第20号", "")

    result = parse_letter(text)

    assert result["number"] is None
    assert "number" in warning_fields(result["warnings"])


def test_garbled_signature_date_falls_back_to_metadata_with_a_warning():
    text = SEED.read_text(encoding="utf-8").replace("2024年7月23日", "512日")

    result = parse_letter(text)

    assert result["reply_date"] == "2024-08-16"
    assert any(w.startswith("[reply_date]") and "512日" in w for w in result["warnings"])


def test_missing_date_without_metadata_is_null_with_a_warning():
    text = "张三委员:\n您提出的《关于修路的建议》收悉。\n我局已完成修路。\n某县交通运输局\n"

    result = parse_letter(text)

    assert result["reply_date"] is None
    assert "reply_date" in warning_fields(result["warnings"])


def test_document_type_in_class_field_is_not_a_reply_class():
    result = parse_letter("类别:提案\n" + SEED.read_text(encoding="utf-8"))

    assert result["category"] is None


@pytest.mark.parametrize(
    "line, category",
    [
        ("类别:B", "B"),
        ("类 别:C", "C"),
        ("类别:A类", "A"),
        ("A类)", "A"),
        ("(D类)", "D"),
        ("某交函〔2019〕12号B类", "B"),
    ],
)
def test_reply_class_is_read_in_every_written_form(line, category):
    result = parse_letter(line + "\n" + SEED.read_text(encoding="utf-8"))

    assert result["category"] == category


@pytest.mark.parametrize(
    "salutation, names, kind",
    [
        ("张三 委员:", ["张三"], "proposal"),
        ("张三、李四委员", ["张三", "李四"], "proposal"),
        ("尊敬的王五代表:", ["王五"], "suggestion"),
        ("欧阳明华委员:", ["欧阳明华"], "proposal"),
        ("袁  伟委员:", ["袁伟"], "proposal"),
        ("王小明委员、李四委员:", ["王小明", "李四"], "proposal"),
        ("尊敬的张三 李四 王五代表:", ["张三", "李四", "王五"], "suggestion"),
        ("赵明、孙丽等委员:", ["赵明", "孙丽"], "proposal"),
        ("尊敬的張曉華代表:", ["張曉華"], "suggestion"),
    ],
)
def test_salutation_names_the_proposers(salutation, names, kind):
    text = f"{salutation}\n您提出的《关于加强社区治理的建议》收悉。现答复如下:\n感谢您的支持。"

    result = parse_letter(text)

    assert result["proposers"] == names
    assert result["kind"] == kind


def test_truncated_letter_keeps_what_it_read_and_warns():
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("(四)") + 30]

    result = parse_letter(cut)

    assert len(result["commitments"]) == 4
    assert result["organisation"] == "新吴区工信局"  # the 发布机构, flagged as a fallback
    assert {"commitments", "organisation", "reply_date"} <= warning_fields(result["warnings"])


@pytest.mark.parametrize(
    "heading, number, session, kind",
    [
        ("对区政协二届三次会议第20号提案的答复函", "20", "区政协二届三次会议", "proposal"),
        (
            "关于对政协某县第十届委员会第二次会议第31号提案的复函",
            "31",
            "政协某县第十届委员会第二次会议",
            "proposal",
        ),
        (
            "某局关于某县第十八届人大一次会议第212号建议的答复函",
            "212",
            "某县第十八届人大一次会议",
            "suggestion",
        ),
        ("关于县政协九届六次会议20号提案的答复", "20", "县政协九届六次会议", "proposal"),
        (
            "对区十四届人大第一次会议第046号建议的答复",
            "046",
            "区十四届人大第一次会议",
            "suggestion",
        ),
        ("某乡十八届人大五次会议第3号建议的 答复函", "3", "某乡十八届人大五次会议", "suggestion"),
        ("对县政协九届六次会议来信号提案的答复", None, "县政协九届六次会议", "proposal"),
        ("关于区政协二届三次会议提案的答复", None, "区政协二届三次会议", "proposal"),
    ],
)
def test_heading_gives_number_session_and_kind(heading, number, session, kind):
    text = f"{heading}\n张三委员:\n您提出的《关于修路的建议》收悉。\n某局\n2024年5月6日"

    result = parse_letter(text)

    assert (result["number"], result["session"], result["kind"]) == (number, session, kind)
    if number is None:
        assert "number" in warning_fields(result["warnings"])


@pytest.mark.parametrize(
    "written, iso",
    [
        ("2024年7月23日", "2024-07-23"),
        ("二○一一年三月八日", "2011-03-08"),
        ("二〇二四年十二月三十一日", "2024-12-31"),
        ("2024年07月03日", "2024-07-03"),
        ("2024年7月3号", "2024-07-03"),
    ],
)
def test_signature_dates_in_digits_and_chinese_numerals(written, iso):
    text = f"张三委员:\n您提出的《关于修路的建议》收悉。\n某县交通运输局\n{written}"

    assert parse_letter(text)["reply_date"] == iso


def test_signature_date_run_together_is_read_but_flagged():
    text = "张三委员:\n您提出的《关于修路的建议》收悉。\n某县交通运输局\n20240703"

    result = parse_letter(text)

    assert result["reply_date"] == "2024-07-03"
    assert "reply_date" in warning_fields(result["warnings"])


def test_stamp_under_the_signature_is_not_a_second_organisation():
    text = "张三委员:\n您提出的《关于修路的建议》收悉。\n某县交通运输局\n(盖章)\n2024年7月3日"

    result = parse_letter(text)

    assert result["organisation"] == "某县交通运输局"
    assert "organisation" not in warning_fields(result["warnings"])


def test_signer_in_a_table_cell_is_read():
    text = "| 文号 | 义教函〔2023〕61号 | 签发人 | 楼建新 |\n" + SEED.read_text(encoding="utf-8")

    assert parse_letter(text)["signer"] == "楼建新"


@pytest.mark.parametrize(
    "line, name, phone",
    [
        ("(联系人:徐嘉;联系电话:15061894249)", "徐嘉", "15061894249"),
        ("联系人及电话:周敏 13912345678", "周敏", "13912345678"),
        ("经 办 人:陈立   联系电话:0571-86001234", "陈立", "0571-86001234"),
        ("联系人:魏婷\n联系电话:0575-8765432", "魏婷", "0575-8765432"),
        ("（联系人：黄志远；联系电话：0739-2345678）", "黄志远", "0739-2345678"),
    ],
)
def test_contact_person_and_phone_in_their_usual_forms(line, name, phone):
    text = f"张三委员:\n您提出的《关于修路的建议》收悉。\n{line}\n某县交通运输局\n2024年5月6日"

    assert parse_letter(text)["contact"] == {"name": name, "phone": phone}


@pytest.mark.parametrize(
    "line, expected",
    [
        ("某交函〔2023〕61号", "某交函〔2023〕61号"),
        ("某民发【2024】318号B类", "某民发【2024】318号"),
        ("某交函〔2023〕61号  签发人:李某", "某交函〔2023〕61号"),
        ("某民发〔202431", None),
    ],
)
def test_document_number_is_read_as_written_or_refused_when_garbled(line, expected):
    result = parse_letter(f"{line}\n张三委员:\n您提出的《关于修路的建议》收悉。")

    assert result["document_number"] == expected
    if expected is None:
        assert "document_number" in warning_fields(result["warnings"])


def test_obstacles_are_neither_measures_nor_commitments():
    result = parse_letter(read_letter(LETTERS / "22-c-class-obstacles.txt"))

    texts = [e["text"] for e in result["measures"] + result["commitments"]]
    assert not any("相邻" in t or "难以安排" in t or "尚未建成" in t for t in texts)


def test_internal_handling_steps_are_not_measures():
    result = parse_letter(read_letter(LETTERS / "36-process-section-list.txt"))

    assert [m["title"] for m in result["measures"]] == ["完善检测体系", "推行合格证制度"]


def test_prose_next_steps_give_one_commitment_per_promised_action():
    result = parse_letter(read_letter(LETTERS / "03-several-proposers-prose.txt"))

    assert [c["title"] for c in result["commitments"]] == [
        "会同县农业农村局编制县域冷链物流发展规划",
        "加大对冷链企业的招引力度",
        "推动建设县级农产品产地冷链集散中心",
    ]


def test_promise_awaiting_a_condition_inside_a_report_of_work_done_is_found():
    result = parse_letter(read_letter(LETTERS / "20-closing-commitment-copy-lines.txt"))

    assert "待资金到位后将立即开工建设。" in [c["text"] for c in result["commitments"]]


BODY_HEAD = "张三委员:\n您提出的《关于修路的建议》收悉。现答复如下:\n"
BODY_TAIL = "\n某县交通运输局\n2024年5月6日"


def test_obstacle_in_a_section_mixed_with_next_steps_is_no_commitment():
    text = (
        BODY_HEAD + "一、已开展的工作\n我局已完成县道大修12公里。\n二、存在困难及下一步打算\n"
        "目前主要困难是养护资金缺口较大。下一步,我局将积极争取省级补助资金;"
        "同时会同各乡镇建立村道养护长效机制。" + BODY_TAIL
    )

    result = parse_letter(text)

    assert [c["title"] for c in result["commitments"]] == [
        "积极争取省级补助资金",
        "会同各乡镇建立村道养护长效机制",
    ]
    assert len(result["measures"]) == 1


def test_next_steps_run_to_the_end_of_their_paragraph_and_are_no_measure():
    result = parse_letter(read_letter(LETTERS / "holdout" / "17-guangfeng-flood-control.txt"))

    assert [m["title"] for m in result["measures"]] == ["争取中央和省级资金2300万元"]
    assert [c["title"] for c in result["commitments"]] == [
        "积极向省水利厅汇报衔接",
        "抓紧开展前期工作",
    ]


def test_lead_in_before_a_colon_is_not_part_of_the_first_promise():
    text = (
        BODY_HEAD + "下一步工作中,我们将重点抓好三项工作:加强宣传引导,将垃圾分类纳入村规民约;"
        "完善考核机制,对各乡镇实行月度排名通报。" + BODY_TAIL
    )

    result = parse_letter(text)

    assert [c["text"] for c in result["commitments"]] == [
        "加强宣传引导,将垃圾分类纳入村规民约",
        "完善考核机制,对各乡镇实行月度排名通报。",
    ]


@pytest.mark.parametrize(
    "item, title",
    [
        ("结合居民出行调查结果,年内再优化调整公交线路5条以上。", "年内再优化调整公交线路5条以上"),
        ("待省文物局批复规划后,立即启动遗产点展示利用项目。", "立即启动遗产点展示利用项目"),
        ("建立星级评定制度,2024年起每年评选一批。", "建立星级评定制度"),
    ],
)
def test_framing_clause_does_not_title_a_list_item(item, title):
    text = BODY_HEAD + "下一步工作计划:\n1." + item + "\n2.推进智慧停车平台建设。" + BODY_TAIL

    assert parse_letter(text)["commitments"][0]["title"] == title


def test_township_government_speaking_of_itself_is_left_out_of_a_promise_title():
    result = parse_letter(read_letter(LETTERS / "holdout" / "12-fenshui-township-market.txt"))

    assert [c["title"] for c in result["commitments"]] == ["计划在2024年内完成市场周边停车场建设"]


# -- read_heading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, heading",
    [
        (SEED.read_text(encoding="utf-8"), "对区政协二届三次会议第20号提案的答复函"),
        (
            "首页 > 政务公开 > 正文\n某局关于区十八届人大\n四次会议第105号建议的答复\n张三代表:",
            "某局关于区十八届人大四次会议第105号建议的答复",
        ),
        (
            "关于市十六届人大二次会议第64号建议的 答复函\n沈海燕代表:",
            "关于市十六届人大二次会议第64号建议的答复函",
        ),
        (
            "關於市十六屆人大二次會議第88號建議的答覆\n張偉強代表:",
            "關於市十六屆人大二次會議第88號建議的答覆",
        ),
        (
            "云交函〔2024〕61号\n关于对县政协十届二次会议第8号提案的复函\n李四委员:",
            "关于对县政协十届二次会议第8号提案的复函",
        ),
        (
            "标题:关于市十五届人大三次会议第88号建议的答复\n郭海燕代表:",
            "关于市十五届人大三次会议第88号建议的答复",
        ),
        ("上一篇:关于区政协二届三次会议第107号提案的答复函\n张三委员:\n您提出的建议收悉。", None),
        ("何国平、方志明代表\n你们提出的建议收悉。", None),
        ("", None),
    ],
)
def test_read_heading_returns_the_letters_own_heading(text, heading):
    assert read_heading(text) == heading


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_read_heading_never_raises(text):
    heading = read_heading(text)

    assert heading is None or (isinstance(heading, str) and heading)


# -- extract_text --------------------------------------------------------------------------------

SAMPLE = "袁伟 委员:\n您提出的《关于推动人工智能产业发展的建议》收悉。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_files_are_decoded_in_common_encodings(encoding):
    assert extract_text(SAMPLE.encode(encoding), "reply.txt") == SAMPLE


def test_text_file_suffix_is_case_insensitive():
    assert extract_text(SAMPLE.encode(), "REPLY.TXT") == SAMPLE


def _docx_bytes() -> bytes:
    document = WordDocument()
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(
        table.rows[0].cells + table.rows[1].cells,
        [
            "索引号",
            "000014349/2024-00321",
            "发布机构",
            "云溪县交通运输局",
            "成文日期",
            "2024-06-05",
            "公开日期",
            "2024-06-20",
        ],
        strict=True,
    ):
        cell.text = text
    source = read_letter(LETTERS / "02-congress-next-line-metadata.txt")
    for line in source.splitlines()[10:]:
        document.add_paragraph(line.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_cells_are_read_in_order():
    text = extract_text(_docx_bytes(), "reply.docx")

    assert text.index("索引号") < text.index("发布机构") < text.index("尊敬的何志强代表")


def test_docx_letter_parses_like_its_text_version():
    expected = json.loads((LETTERS / "02-congress-next-line-metadata.json").read_text("utf-8"))

    result = parse_letter(extract_text(_docx_bytes(), "reply.docx"))

    assert {k: v for k, v in result.items() if k != "warnings"} == {
        k: v for k, v in expected.items() if k != "warnings"
    }


@pytest.mark.parametrize(
    "data, filename",
    [
        (b"%PDF-1.4 binary", "reply.pdf"),
        (b"anything", "reply"),
        (b"\xd0\xcf\x11\xe0 old word", "reply.doc"),
        (b"PK\x03\x04 not really a zip", "reply.docx"),
        (b"plain text pretending", "reply.docx"),
        (bytes(range(256)) * 8, "reply.txt"),
        (b"", "reply.txt"),
    ],
    ids=["pdf", "no-suffix", "old-doc", "corrupt-docx", "text-as-docx", "binary-txt", "empty"],
)
def test_unreadable_files_raise_a_short_readable_error(data, filename):
    with pytest.raises(LetterFileError) as error:
        extract_text(data, filename)

    message = str(error.value)
    assert message and "\n" not in message and len(message) < 80


# -- robustness ----------------------------------------------------------------------------------

SOURCES = [SEED.read_text(encoding="utf-8")] + [read_letter(p) for p in LETTER_FILES]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_returns_the_full_schema(text):
    assert_schema(parse_letter(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(SOURCES),
    operations=st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "swap", "truncate", "insert", "join"]),
            st.integers(min_value=0, max_value=10_000),
            st.text(max_size=12),
        ),
        max_size=6,
    ),
)
def test_mangled_letters_never_raise_and_keep_the_schema(source, operations):
    lines = source.splitlines()
    for operation, position, noise in operations:
        if not lines:
            break
        i = position % len(lines)
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[i])
        elif operation == "swap":
            j = (i * 7 + 3) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: position % (len(lines[-1]) + 1)]
        elif operation == "insert":
            cut = position % (len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + noise + lines[i][cut:]
        elif operation == "join":
            lines[i : i + 2] = ["".join(lines[i : i + 2])]

    assert_schema(parse_letter("\n".join(lines)))


def test_shuffled_lines_never_raise():
    rng = random.Random(20)
    for source in SOURCES:
        lines = source.splitlines()
        rng.shuffle(lines)
        assert_schema(parse_letter("\n".join(lines)))


@pytest.mark.parametrize("value", ["", " \n\t", "\ufeff", "\x00\x01", "委员:", "第号提案", "〔"])
def test_degenerate_input_returns_the_full_schema(value):
    assert_schema(parse_letter(value))


def test_work_after_handling_sentences_is_a_measure_and_praise_is_not():
    from commitments.letters.prose import work_start

    handled = "我局高度重视您的提案,会同住建局进行了认真研究。近年来,我县先后完成规划编制4个。"
    assert handled[work_start(handled) :].startswith("近年来")
    assert work_start("我局高度重视,并多次与您沟通。经研究,该路段已纳入2024年改造计划。") is None
    praise = "改造是一项系统工程。您提出的建议对我县推进改造工作具有很强的指导意义。"
    assert work_start(praise) is None
    mechanism = "2023年,我县出台了实施方案,建立了由县政府分管领导牵头的工作专班。"
    assert work_start(mechanism) == 0


def _body_letter(body: str) -> dict:
    return parse_letter(
        "对县政协九届六次会议第12号提案的答复函\n\n王某委员:\n"
        "  您提出的《关于加强某某工作的提案》收悉。现答复如下:\n"
        f"  {body}\n  感谢您对我们工作的关心和支持。\n\n某县某局\n2024年6月7日\n"
    )


def test_jiang_meaning_ba_after_work_done_is_no_promise():
    result = _body_letter("我局修订了补助办法,将每台补助标准提高到20万元,并简化了审批流程。")

    assert [m["title"] for m in result["measures"]] == ["修订了补助办法"]
    assert result["commitments"] == []


def test_next_step_after_the_subject_is_a_promise():
    result = _body_letter("我局下一步将把小流域治理纳入水利发展规划,逐年安排治理资金。")

    assert result["measures"] == []
    assert [c["title"] for c in result["commitments"]] == ["将把小流域治理纳入水利发展规划"]


def test_work_reported_after_gaoduzhongshi_in_one_sentence_is_a_measure():
    result = _body_letter("我局高度重视,组织执法人员对全区农贸市场开展了专项整治,查处问题57起。")

    assert [m["title"] for m in result["measures"]] == ["组织执法人员对全区农贸市场开展了专项整治"]
