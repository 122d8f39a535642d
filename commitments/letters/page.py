"""Web-page furniture around a pasted letter: menus, counters, footers, links to other letters."""

from __future__ import annotations

import re

from .normalise import Document

# Links to neighbouring articles name *other* proposal numbers; they are never read.
_LINK = re.compile(
    r"^(?:[【\[(]?\s*)(?:上一篇|下一篇|上一条|下一条|上一页|下一页|上篇|下篇|相关链接|相关文章|相关阅读|"
    r"相关新闻|相关信息|相关文件|推荐阅读|热点推荐)"
)
_DEBRIS = re.compile(
    r"首页\s*[>/»›→>|]|[>/»›→]\s*正文|当前位置|您的位置|您现在的位置|所在位置|字体大小|字号\s*[:：]|"
    r"放大\s*正常\s*缩小|[【\[]\s*[大中小]\s*[】\]]|\b[大中小]\s+[大中小]\s+[大中小]\b|关闭窗口|关闭本页|"
    r"打印本页|[【\[]\s*打印\s*[】\]]|ICP|icp|公网安备|网站标识码|网站地图|版权所有|技术支持|"
    r"浏览次数|访问次数|阅读次数|点击次数|点击数|浏览量|访问量|阅读量|扫一扫|手机上查看|分享到|"
    r"建议使用.{0,20}(?:浏览器|分辨率)|主办单位\s*[:：].*(?:承办|网站|备案|ICP)|邮编\s*[:：]|邮政编码"
)
_WIDGET = (
    r"(?:打印|关闭|收藏|分享|返回|顶部|本页|窗口|此页|本文|微信|微博|QQ|二维码|视力保护色|联系我们|"
    r"无障碍|适老化|政务服务网|纠错|我要纠错|加入收藏|设为首页)+"
)
_SEP = r"[\s【】\[\]|()<>:：/·•]*"
_SHORT_DEBRIS = re.compile(rf"{_SEP}{_WIDGET}(?:{_SEP}{_WIDGET})*{_SEP}")
_ASCII_ONLY = re.compile(r"[A-Za-z\s.:/_-]+")
_CLASS_MARK = re.compile(r"[ ]*[A-D][ ]*")  # a bare "A" line is the reply's class


def mark_page_furniture(doc: Document) -> None:
    """Flag lines that belong to the web page rather than to the letter."""
    for line in doc.lines:
        text = line.text
        if _LINK.match(text):
            line.link = line.debris = True
        elif len(text) <= 160 and _DEBRIS.search(text):
            line.debris = True
        elif _SHORT_DEBRIS.fullmatch(text):
            line.debris = True
        elif _ASCII_ONLY.fullmatch(text) and not _CLASS_MARK.fullmatch(text):
            line.debris = True
    _mark_second_copy(doc)


def _mark_second_copy(doc: Document) -> None:
    """A letter printed twice on its page is read once: the second copy is never read.

    A copy is a run of at least three identical lines, one of them a paragraph, that starts
    again further down; a heading or a title repeated on its own is no copy."""
    first_seen: dict[str, int] = {}
    lines = doc.lines
    for j, line in enumerate(lines):
        i = first_seen.setdefault(line.text, j)
        if i == j or line.debris or len(line.text) < 4:
            continue
        run = 0
        while j + run < len(lines) and i + run < j and lines[i + run].text == lines[j + run].text:
            run += 1
        texts = [lines[j + k].text for k in range(run)]
        if run >= 3 and any(len(text) >= 40 for text in texts):
            start, back = j, i
            # Lines just before both copies that match too (a repeated heading) go with it.
            while back > 0 and start - 1 > back and lines[start - 1].text == lines[back - 1].text:
                start, back = start - 1, back - 1
            for later in lines[start:]:
                later.link = later.debris = True
            return
