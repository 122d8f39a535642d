"""Reading paragraphs of prose: what kind of statement it is, where its promises are, and the
short titles given to items and promises."""

from __future__ import annotations

import re

_SUBJECT = (
    r"(?:我们|我局|我委|我办|我区|我县|我市|我镇|我乡|我街道|我厅|我院|我司|我部|我中心|我单位|我部门|"
    r"本局|本委|本单位|各相关部门|相关部门|区[\u4e00-\u9fff]{0,10}?(?:局|委|办)|"
    r"县[\u4e00-\u9fff]{0,10}?(?:局|委|办))"
)
# Township and county replies speak as the government itself: 镇政府将…, 我乡人民政府将…
# It is dropped from a title only as the subject of a promise (乡政府已将… keeps its subject).
_GOVERNMENT = r"(?:我|本)?[区县市镇乡](?:人民)?政府|街道办事处|街道办"
_PROMISER = rf"(?:{_SUBJECT}|{_GOVERNMENT})"
_LEAD_WORDS = (
    r"(?:下一步工作中|下一步|下步|下一阶段|下阶段|今后|接下来|未来|同时|此外|另外|并且|以及|最后)"
)

STRONG_FLAG = re.compile(
    rf"^[ ]*(?:{_PROMISER}[ ]*)?"  # 我局下一步将…
    r"(?:下一步|下步|下一阶段|下阶段|今后|接下来|未来(?:[一二三四五两几\d]+年|[ ,，]))"
)
# When a promise is due, said before the subject: 秋季将协同…, 年内我局将…
_WHEN = (
    r"(?:(?:今年|明年|后年|年内|年底前?|近期|[春夏秋冬]季|[上下]半年|\d{4}年(?:\d{1,2}月)?"
    r"(?:底|前|内|起)?)[ ,，]*)"
)
_EXPECTED_BY = r"预计.{0,12}(?:\d{4}年|年底|年内|月底|\d{1,2}月|[上中下]旬)"
_FUTURE = re.compile(
    rf"^[ ]*(?:{_LEAD_WORDS}[ ,，]*)?{_WHEN}?(?:{_PROMISER})?[ ,，]*(?:还|也|仍|亦|并)?"
    r"(?:将|拟|计划|力争|争取(?:在|于|到|年内|年底|早日|尽快|\d{4})|准备|会继续|会进一步|"
    rf"{_EXPECTED_BY})"
)
# In the title of a list, a short lead-in naming the next steps (下一步工作计划:, 今后打算).
FLAG_IN_INTRO = re.compile(r"下一步|下步|下阶段|下一阶段|今后|接下来|打算|计划|将从|将重点|将着力")
_DATED_FUTURE = re.compile(
    rf"[ ]*(?:{_LEAD_WORDS}[ ,，]*)?(?:{_PROMISER})?[ ,，]*(?:还|也|仍|亦|并)?"
    rf"(?:将于|将在\d|计划|拟于|拟在|力争|争取(?:在|于|到)|{_EXPECTED_BY})"
)
_CONDITIONAL = re.compile(
    r"待[^。;；]{1,40}?后[ ,，]*(?:[^。;；]{0,12}?)(?:将|立即|及时|马上|尽快|再)"
)
_BOILERPLATE = re.compile(
    r"感谢|关心|关注和支持|支持和关注|宝贵意见|欢迎|多提|沟通联系|保持联系|加强联系|一如既往|"
    r"继续关注|监督指导|予以理解|谅解|^[ ]*(?:敬请|恳请)"
)
# A clause that reports work under way or done is no promise, even after 并 or 同时.
_UNDER_WAY = re.compile(r"[ ]*(?:并|同时|目前)?[ ,，]*(?:正在|已经|已)")

OPENING = re.compile(
    r"收悉|收到|答复如下|现答复|现将.{0,30}(?:答复|函复|报告)|函复如下|回复如下|现就.{0,20}答复"
)
CLOSING = re.compile(
    r"^[ ]*(?:感谢|此复|专此|特此|再次感谢|衷心感谢|非常感谢|欢迎|希望您|恳请|敬请|请您继续|"
    r"诚挚感谢|谢谢|最后,?再次|以上答复|特此答复)"
)
PROCESS = re.compile(
    r"(?:收到|接到|交办|承办|办理)[^。]{0,16}(?:提案|建议)|面商|当面沟通|电话沟通|上门沟通|沟通交流|"
    r"征求[^。]{0,8}(?:委员|代表)|(?:委员|代表)[^。]{0,8}(?:沟通|联系|座谈|见面|交流|面谈|意见)|"
    r"(?:与|向|同)(?:您|委员|代表)|高度重视|认真研究|专题研究|"
    r"(?:召开|组织)[^。]{0,10}(?:专题|办理|协调|研究)[^。]{0,4}会|"
    r"向[^。]{0,10}领导[^。]{0,4}汇报|(?:分管|主要)领导[^。]{0,12}(?:研究|部署|批示|督办|牵头)|"
    r"明确[^。,，]{0,4}(?:责任|承办|经办)(?:科室|人(?!员)|处室)|办理方案|办理工作|"
    r"答复(?:函|意见)?已经|审签"
)
_PROCESS_STRICT = re.compile(
    r"(?:与|向|同)(?:您|委员|代表|提案人)|面商|(?:收到|接到)[^。]{0,12}(?:提案|建议)后|"
    r"向[^。]{0,10}领导[^。]{0,4}汇报"
)
# A paragraph that opens on a difficulty is no report of work done.
OBSTACLE_PROSE = re.compile(
    r"[ ]*(?:但|然而|不过|由于|因(?!此|而)|受[^,，。]{1,12}(?:限制|影响|制约)|"
    r"目前(?:还|仍|尚)?存在|(?:还|仍|尚)存在|存在的?问题|困难)"
)
OBSTACLE_INTRO = re.compile(
    r"(?:存在|面临|还有|仍有|尚有|主要有|遇到)[^。]{0,12}(?:困难|问题|制约|不足|瓶颈|难点|障碍|短板|挑战)|"
    r"(?:困难|问题|原因|制约因素|难点|障碍)(?:主要)?(?:有|是|在于|如下|包括)|暂时不能|暂不具备|难以"
)
_DONE = re.compile(
    rf"{_SUBJECT}[^。]{{0,30}}?(?:已|先后|积极|组织|开展|出台|制定|印发|投入|实施|推动|推进|落实|"
    r"争取|协调|安排|建立|完成|举办|召开|改造|新建|修订|设立|建成|推广|新增|开通|联合|会同|围绕|"
    r"加大|加强|强化|完善|深化|优化|指导|督促|整治|检查|培训|引进|扶持|支持)|"
    r"已[^。]{0,6}?(?:完成|建成|开展|出台|印发|制定|实施|投入|启动|下达|拨付|建立|落实|改造|安排)|"
    r"先后|累计投入|(?:开展|组织|召开|完成|建成|出台|印发|制定|实施|投入|举办|改造|新建)了"
)
_DONE_MARK = re.compile(r"已(?!成为|经成为|收悉|转|交)|先后|累计")
_SENTENCE = re.compile(r"[^。;；!！?？]+[。;；!！?？]*")
# The lead-in of a run of promises written without markers: 将重点抓好以下三项工作:
_INTRO_COLON = re.compile(
    r"[^:：。]{0,40}?(?:以下|如下|方面|[一二三四五六七八九十两几\d]+(?:项|点|条)|工作|措施|重点|"
    r"着手|发力|推进)[^:：。,，]{0,6}[:：][ ]*"
)
_CLAUSE_CUE = re.compile(
    rf"(?:同时|并将|还将|也将|另外|此外|以及|计划|拟|并(?!且|不|未|非)|{_PROMISER}(?:还|也)?将)"
)
_CONDITION_CLAUSE = re.compile(
    r"^(?:待|如|若|随着|根据|按照|结合|针对|围绕|为了?|通过|对于|在[^,，]{0,16}(?:后|时|下|中)$)"
)
_AWAIT = re.compile(r"待[^,，。]{1,30}?后[ ,，]*")
_TITLE_LEAD = re.compile(
    rf"[ ]*(?:{_LEAD_WORDS}[ ,，]*)*(?:工作中[ ,，]*)?"
    rf"(?:{_WHEN}(?=(?:{_PROMISER})?[ ,，]*(?:还|也|仍|并)?将))?"
    rf"(?:{_SUBJECT}|(?:{_GOVERNMENT})(?=[ ,，]*(?:还|也|仍|并)?将))?[ ,，]*"
    rf"(?:{_LEAD_WORDS}[ ,，]*)?"
    r"(?:还将|也将|仍将|并将|将|还|也|要|并)?[ ,，]*"
)
_DISPOSAL = re.compile(
    r".{1,24}?(?:纳入|列入|作为|打造成|建设成|建成|融入|转化为|提升为|改造为|合并|放在|摆在|用于|整合|"
    r"接入|并入|划入|移交|交由|延伸至|推广至|推广到|拓展至|落实到)"
)
# Clauses that only say when or where: 近年来, 2023年, 今年以来, 截至目前.
_TIME_CLAUSE = re.compile(
    r"^(?:近年来|近几年|近年|今年以来|去年以来|年初以来|目前|当前|与此同时|截至目前|截至\S{0,12}|"
    r"(?:\d{4}年|今年|去年|本年)(?:以来|\d{1,2}月(?:份|初|底|[上中下]旬)?)?(?:\d{1,2}日)?"
    r"|今年|去年|[上下]半年|同时|此外|另外|其中|为此|对此|经研究|经认真研究|在此基础上)$|"
    r"^经.{0,10}(?:调查|研究|核实|调研|了解|协商|查|论证|评估)$|"
    r"^(?:\d{4}年|今年|明年|年内|年底|近期|[上下]半年).{0,10}(?:起|前|底|内|以来|期间|后|时)$"
)


def _lead_end(text: str, start: int, end: int) -> int:
    """Where the action starts once 下一步/我局/将 are dropped; 将 meaning 把 is kept."""
    lead = _TITLE_LEAD.match(text, start, end)
    if not lead:
        return start
    if text[start : lead.end()].endswith("将") and _DISPOSAL.match(text, lead.end(), end):
        return lead.end() - 1  # 将检测结果纳入信用管理: here 将 is 把 and belongs to the title
    return lead.end()


def is_future(sentence: str) -> bool:
    """Whether a sentence (or clause) opens with a promise: 我局将…, 计划…, 待…后立即…"""
    return bool(_FUTURE.search(sentence) or _CONDITIONAL.match(sentence.lstrip()))


def is_process_item(text: str, title_end: int) -> bool:
    """A list item about handling the proposal (its heading, or a meeting with the member)."""
    if PROCESS.search(text[: title_end + 1]):
        return True
    first = _SENTENCE.match(text, title_end + 1)
    return bool(first and _PROCESS_STRICT.search(first.group(0)))


_NEXT_STEPS_FROM = re.compile(r"(?:^|[。;；!！?？])[ ]*(?:下一步|下步|下一阶段|下阶段|今后|接下来)")


# A sentence that thanks for or appraises the proposal: 您提出的建议…具有很强的指导意义.
APPRAISAL = re.compile(
    r"(?:您|你们|您们|委员|代表)[^。]{0,12}(?:提出|所提)[^。]*(?:指导意义|参考价值|借鉴意义|"
    r"针对性|可操作性|前瞻性)"
)


def _handling(sentence: str) -> bool:
    """A sentence about receiving, studying or answering the proposal, not about work done."""
    if OPENING.search(sentence) or APPRAISAL.search(sentence):
        return True
    handling = PROCESS.search(sentence)
    if not handling:
        return False
    found = [m.group(0) for m in PROCESS.finditer(sentence)]
    if set(found) == {"高度重视"} and re.search(r"[,，][^。]*了", sentence[handling.end() :]):
        return False  # 我局高度重视,组织…开展了专项整治: the work follows in the same sentence
    done = _DONE.search(sentence)  # 出台了…,建立了由分管领导牵头的专班: the work comes first
    return not (done and done.end() <= handling.start())


_OUTCOME = re.compile(r"[ ]*经[^,，。]{0,10}(?:研究|调查|核实|调研|协商|论证|评估|会商)")


def work_start(text: str) -> int | None:
    """Where a paragraph that mentions handling the proposal starts reporting work done.

    "我局高度重视…进行了认真研究。近年来,我县先后完成…": the work follows the handling
    sentences. "2023年,我县出台了…,建立了由分管领导牵头的工作专班": the work comes first and the
    handling words describe it. None when the paragraph reports no work of its own, or only
    the outcome of handling the proposal (经研究,该路段已纳入…计划).
    """
    spans = sentences(text)
    pos = 0
    while spans and _handling(text[spans[0][0] : spans[0][1]]):
        pos = spans.pop(0)[1]
    rest = text[pos:]
    if (
        not spans
        or any(_handling(text[start:end]) for start, end in spans)
        or _PROCESS_STRICT.search(rest)
        or OBSTACLE_PROSE.match(rest)
        or _OUTCOME.match(rest)
        or not _DONE.search(rest)
    ):
        return None
    return pos + len(rest) - len(rest.lstrip())


def is_done(text: str) -> bool:
    """Whether the text reports work done; its 下一步… part (我局将积极…) does not count."""
    next_steps = _NEXT_STEPS_FROM.search(text)
    if next_steps:
        text = text[: next_steps.start()]
    return bool(_DONE.search(text) or _DONE_MARK.search(text))


def sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a sentence at commas where the next clause opens a new promised action."""
    pieces = []
    begin = start
    for match in re.finditer(r"[,，]", text[start:end]):
        cut = start + match.end()
        following = text[cut:end].lstrip()
        if _CLAUSE_CUE.match(following) and not _CONDITION_CLAUSE.match(text[begin:cut]):
            pieces.append((begin, cut))
            begin = cut
    pieces.append((begin, end))
    # A lead-in with no action of its own ("下一步，") joins the next piece.
    merged: list[tuple[int, int]] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if previous and len(text[_lead_end(text, *previous) : previous[1]].strip(" ,，")) < 2:
            merged[-1] = (merged[-1][0], piece[1])
        else:
            merged.append(piece)
    return merged


STRONG, DATED, WEAK, ALL = range(4)


def _is_promise(clause: str, level: int) -> bool:
    if STRONG_FLAG.match(clause) or _CONDITIONAL.match(clause.lstrip()):
        return True
    if level >= WEAK:
        return is_future(clause)
    if level >= DATED:
        return bool(_DATED_FUTURE.match(clause) and "已" not in clause)
    return False


_DISPOSAL_AFTER_DONE = re.compile(
    r"[ ]*将(?!于|在|进一步|继续|加快|积极|全力|着力|重点|持续|尽快|逐步|适时|及时|进行|开展|"
    r"会同|联合)"
)
_TRIGGERS = {
    STRONG: re.compile(r"下一步|下步|下[一]?阶段|今后|接下来|未来|待"),
    DATED: re.compile(r"下一步|下步|下[一]?阶段|今后|接下来|未来|待|将|计划|拟|力争|争取|预计"),
}


def promises(text: str, level: int) -> list[tuple[int, int]]:
    """Spans of ``text`` that promise an action, one per promised action.

    ALL: every sentence is a promise (a 下一步 paragraph or section).
    STRONG: only sentences or clauses opening with 下一步/今后 or 待…后…立即.
    DATED: also 将于…/计划…/力争… (safe inside a report of work done).
    WEAK: also any clause opening with 我局将…/将….
    """
    trigger = _TRIGGERS.get(level)
    if trigger is not None and not trigger.search(text):
        return []  # nothing in the paragraph could open a promise
    spans = []
    flagged = False  # "下一步，我局将A；同时B。": B is as much a next step as A
    for start, end in sentences(text):
        sentence = text[start:end]
        if level == ALL or flagged:
            found = [(start, end)]
        else:
            found = []
            commas = [start + m.end() for m in re.finditer(r"[,，]", sentence)]
            for clause_start in [start] + commas:
                done_before = "了" in text[start:clause_start]
                if done_before and _DISPOSAL_AFTER_DONE.match(text, clause_start):
                    continue  # 修订了补助办法,将补助标准提高到20万元: 将 is 把, the work is done
                if _is_promise(text[clause_start:end], level):
                    found = [(clause_start, end)]
                    flagged = bool(STRONG_FLAG.match(text[clause_start:end]))
                    break
        for span_start, span_end in found:
            intro = _INTRO_COLON.match(text, span_start, span_end)
            if intro and intro.end() < span_end:
                span_start = intro.end()  # 将重点抓好三项工作:加强…;完善…: the items follow
            for piece in _clauses(text, span_start, span_end):
                piece_text = text[piece[0] : piece[1]]
                if (
                    _BOILERPLATE.search(piece_text)
                    or len(piece_text.strip(" ,，。;；")) < 4
                    or _UNDER_WAY.match(piece_text)
                ):
                    continue
                spans.append(_trim(text, piece))
    return spans


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in " ":
        start += 1
    while end > start and text[end - 1] in " ,，;；":
        end -= 1
    return start, end


def item_title(text: str) -> tuple[int, int]:
    """The heading phrase of a list item.

    Its first sentence when that is a short heading ("深化政策引领,注重全链带动"), else its
    first clause ("建立星级评定制度,2024年起每年…" → "建立星级评定制度").
    """
    offset = len(text) - len(text.lstrip())
    body = text[offset:]
    match = re.match(r"[^。;；:：!！?？]+", body)
    first = match.group(0).rstrip() if match else body
    clauses = re.split(r"[,，]", first)
    # "深化政策引领,注重全链带动。…": a sentence of short parallel clauses followed by more
    # text is a heading; a lone sentence is titled by its first clause.
    more_follows = len(body.strip()) > len(first) + 1
    short = all(3 <= len(c.strip()) <= 12 for c in clauses)
    parallel = more_follows and len(clauses) <= 3 and short
    if 2 <= len(first) <= 30 and (len(clauses) == 1 or parallel):
        return offset, offset + len(first)
    lead_clause = clauses[0].strip()
    if (
        2 <= len(clauses[0]) <= 30
        and not _TIME_CLAUSE.match(lead_clause)
        # 结合调查结果, / 待规划批复后, : the framing, not the heading of the item
        and not (len(clauses) > 1 and _CONDITION_CLAUSE.match(lead_clause))
    ):
        start = _lead_end(body, 0, len(clauses[0]))
        start = start if len(clauses[0]) - start >= 4 else 0
        return offset + start, offset + len(clauses[0])
    start, end = promise_title(body)
    return offset + start, offset + end


def prose_title(text: str) -> tuple[int, int]:
    """A title for a paragraph of prose: its first clause that says what was done."""
    for match in re.finditer(r"[^,，。;；:：]+", text):
        clause = match.group(0).strip()
        if _TIME_CLAUSE.match(clause) or len(clause) < 2:
            continue
        start = _lead_end(text, match.start(), match.end())
        if re.fullmatch(r"(?:十分|非常|高度)重视", text[start : match.end()].strip()):
            continue  # 我局高度重视,组织…: the handling, not the work
        start = start if start < match.end() - 1 else match.start()
        if _CONDITION_CLAUSE.match(text[start : match.end()]):
            continue  # 围绕智慧农业发展, 根据… : the framing, not the action
        return start, min(match.end(), start + 30)
    return item_title(text)


def promise_title(text: str) -> tuple[int, int]:
    """A short title for a promise in prose: its action clause without the lead-in."""
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,，。;；]+", text)]
    for start, end in clauses:
        awaiting = _AWAIT.match(text, start, end)
        if awaiting and awaiting.end() < end:
            start = awaiting.end()  # 待资金到位后将立即开工建设 → 立即开工建设
        action_start = _lead_end(text, start, end)
        clause = text[action_start:end].strip()
        if (
            len(clause) >= 2
            and not _CONDITION_CLAUSE.match(clause)
            and not _TIME_CLAUSE.match(clause)
        ):
            end = min(end, action_start + 30)
            return action_start, end
    start, end = clauses[0] if clauses else (0, len(text))
    return start, min(end, start + 30)
