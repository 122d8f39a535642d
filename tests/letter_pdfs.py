"""Small PDFs of letters for the tests, written without any PDF library.

`letter_pdf(text)` lays a letter out as a Word export does: paragraphs indented and hard-wrapped
at a fixed number of characters, a header and a page number on every page. The text is drawn
with a CID font whose ToUnicode map gives each code its character, which is all a PDF reader
needs to extract it (no font program is embedded: the pages are for reading, not for looking
at). `scanned_pdf()` is a page holding only an image, as a scanner makes.
"""

import zlib

PAGE_WIDTH, PAGE_HEIGHT = 595, 842
FONT_SIZE, LEADING = 12, 20


def _wrap(text: str, width: int) -> list[str]:
    """Paragraphs indented by two ideographic spaces and broken where a line is full (a digit or
    a Latin letter takes half the width of a Chinese character, as in a proportional font)."""
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    lines = []
    for paragraph in paragraphs:
        if len(paragraph) > width // 2:
            paragraph = "\u3000\u3000" + paragraph
        line, used = "", 0.0
        for ch in paragraph:
            step = 0.5 if ord(ch) < 0x2E80 else 1.0
            if used + step > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + ch, used + step
        lines.append(line)
    return lines


def _hex(line: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in line if ord(ch) <= 0xFFFF)


def _to_unicode(codes: set[int]) -> bytes:
    entries = sorted(codes)
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        rows = "\n".join(f"<{code:04X}> <{code:04X}>" for code in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{rows}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()


def _document(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1; the first is the catalogue)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data)
    head = f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
    return head + packed + b"\nendstream"


def letter_pdf(
    text: str,
    *,
    chars_per_line: int = 28,
    lines_per_page: int = 30,
    header: str = "某县交通运输局信息公开",
) -> bytes:
    lines = _wrap(text, chars_per_line)
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    codes = {ord(ch) for line in lines + [header, "— 0123456789 —"] for ch in line}
    # 1 catalogue, 2 pages, 3 font, 4 CID font, 5 ToUnicode, 6 descriptor, then page + content.
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /WenQuanYiMicroHei /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /WenQuanYiMicroHei "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 6 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        _stream(_to_unicode(codes)),
        b"<< /Type /FontDescriptor /FontName /WenQuanYiMicroHei /Flags 4 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 "
        b"/CapHeight 700 /StemV 80 >>",
    ]
    for number, page_lines in enumerate(pages, start=1):
        top = PAGE_HEIGHT - 72
        drawn = [(72, PAGE_HEIGHT - 40, header)]
        drawn += [(72, top - i * LEADING, line) for i, line in enumerate(page_lines)]
        drawn.append((PAGE_WIDTH // 2 - 24, 40, f"— {number} —"))
        content = "".join(
            f"BT /F1 {FONT_SIZE} Tf 1 0 0 1 {x} {y} Tm <{_hex(line)}> Tj ET\n"
            for x, y, line in drawn
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects) + 2} 0 R >>".encode()
        )
        objects.append(_stream(content.encode()))
    return _document(objects)


def scanned_pdf() -> bytes:
    """One page with a grey image on it and no text at all."""
    pixels = bytes([200]) * (40 * 40)
    return _document(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>".encode(),
            _stream(
                pixels,
                "/Type /XObject /Subtype /Image /Width 40 /Height 40 "
                "/ColorSpace /DeviceGray /BitsPerComponent 8 ",
            ),
            _stream(b"q 500 0 0 700 50 70 cm /Im1 Do Q\n"),
        ]
    )
