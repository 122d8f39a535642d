"""The pages of a PDF that Chromium printed (`page.pdf()`), and the text on each, in paint order.

Enough of PDF for Chromium's own output (Skia): objects with Flate-compressed streams, Type0 fonts
whose ToUnicode map decodes two-byte glyph codes, text shown with Tj and TJ. Not a general PDF
reader: once pypdf is in requirements-dev.txt, `PdfReader(...).pages[n].extract_text()` can take
its place.
"""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*)\r?\nendstream", re.S)
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
REFERENCE = rb"(\d+) 0 R"
TEXT_OPERATION = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\bET\b")


def page_count(pdf: bytes) -> int:
    """The number of page objects, the way a reader counts them."""
    return len(PAGE.findall(pdf))


def media_boxes(pdf: bytes) -> set[tuple[float, ...]]:
    return {
        tuple(round(float(n)) for n in box.split())
        for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    }


class ChromiumPdf:
    def __init__(self, pdf: bytes):
        self.objects = {int(number): body for number, body in OBJECT.findall(pdf)}
        self.maps = {}

    def stream(self, number):
        match = STREAM.search(self.objects[number])
        data = match.group(1)
        if b"/FlateDecode" in self.objects[number][: match.start()]:
            data = zlib.decompress(data)
        return data

    def unicode_map(self, font_number):
        """Glyph code (hex) → text, from the font's ToUnicode CMap, and the codes' width."""
        if font_number not in self.maps:
            mapping = {}
            found = re.search(rb"/ToUnicode\s+" + REFERENCE, self.objects[font_number])
            cmap = self.stream(int(found.group(1))) if found else b""
            space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", cmap)
            width = len(space.group(1)) if space else 4
            for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    mapping[code.upper()] = bytes.fromhex(text.decode()).decode("utf-16-be")
            for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
                for first, last, start in re.findall(
                    rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
                ):
                    for offset in range(int(last, 16) - int(first, 16) + 1):
                        code = f"{int(first, 16) + offset:0{width}X}".encode()
                        mapping[code] = chr(int(start, 16) + offset)
            self.maps[font_number] = (mapping, width)
        return self.maps[font_number]

    def fonts(self, page):
        """The page's font names → font object numbers."""
        resources = page
        inline = re.search(rb"/Resources\s+" + REFERENCE, page)
        if inline:
            resources = self.objects[int(inline.group(1))]
        block = re.search(rb"/Font\s*<<(.*?)>>", resources, re.S)
        if block is None:
            return {}
        return {
            name.decode(): int(number)
            for name, number in re.findall(rb"/(\w+)\s+" + REFERENCE, block.group(1))
        }

    def page_texts(self):
        texts = []
        for number in sorted(self.objects):
            page = self.objects[number]
            if not PAGE.search(page):
                continue
            fonts = self.fonts(page)
            contents = re.search(rb"/Contents\s+(?:\[(.*?)\]|" + REFERENCE + rb")", page, re.S)
            numbers = re.findall(rb"(\d+) 0 R", contents.group(1) or b"") or [contents.group(2)]
            content = b"\n".join(self.stream(int(n)) for n in numbers)
            texts.append(self.decode(content, fonts))
        return texts

    def decode(self, content, fonts):
        pieces, mapping, width = [], {}, 4
        for match in TEXT_OPERATION.finditer(content):
            font, hex_text = match.group(1), match.group(2)
            if font is not None:
                name = font.decode()
                mapping, width = self.unicode_map(fonts[name]) if name in fonts else ({}, 4)
            elif hex_text is not None:
                code = hex_text.upper()
                pieces.append(
                    "".join(
                        mapping.get(code[i : i + width], "") for i in range(0, len(code), width)
                    )
                )
            else:
                pieces.append("\n")  # ET: the end of a text object, one line or cell
        return "".join(pieces)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, in the order Chromium painted it (top to bottom, as the page reads)."""
    return ChromiumPdf(pdf).page_texts()
