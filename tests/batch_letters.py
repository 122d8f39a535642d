"""Letters for batch-import tests: as many distinct, clean replies as a test needs."""

import io
import zipfile

import docx

from tests.letter_pdfs import letter_pdf

NAMES = ["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆", "赵磊"]
TOPICS = ["道路", "路灯", "公厕", "停车场", "菜市场", "公园", "学校", "图书馆", "养老院", "桥梁"]


def numbered_letter(number: int, organisation: str = "测试区工业和信息化局") -> str:
    """A reply to proposal `number`, read without a single warning."""
    topic = f"{TOPICS[number % len(TOPICS)]}{number}号"
    return f"""对区政协二届三次会议第{number}号提案的答复

{NAMES[number % len(NAMES)]}委员:
  您提出的《关于改善城区{topic}建设的提案》收悉,现答复如下:
  2023年,我局投入专项资金{number * 10}万元,完成城区{topic}改造一期工程。
  下一步,我局将加快城区{topic}二期工程建设,力争2025年底前完工。
  感谢您对工业和信息化工作的关心和支持。

{organisation}
2024年3月{number % 28 + 1}日
"""


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_file(number: int, suffix: str, **kwargs) -> tuple[str, bytes]:
    text = numbered_letter(number, **kwargs)
    content = {
        ".txt": lambda: text.encode("utf-8"),
        ".docx": lambda: docx_bytes(text),
        ".pdf": lambda: letter_pdf(text),
    }[suffix]()
    return f"答复{number:03d}{suffix}", content


def zip_of(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
