"""Reply-letter parser: pure Python, no Django.

    from commitments.letters import parse_letter, read_heading, extract_text, LetterFileError

``parse_letter(text)`` never raises and always returns the same keys: kind, number, session,
proposers, title, organisation, reply_date, published_date, index_number, document_number,
category, signer, contact, measures, commitments, warnings. A value it cannot read with
confidence is None (or []) and a warning says why; each warning starts with the key it concerns
in brackets, e.g. "[reply_date] 落款日期…无法识别…", so a form can show it beside that field.
Text fields come back as written in the letter (traditional characters stay traditional).

``read_heading(text)`` returns the letter's own heading line (对区政协二届三次会议第20号提案的
答复函), joined when broken over two lines, or None when the page has none.

``extract_text(data, filename)`` reads an uploaded .txt (UTF-8, with or without BOM, or
GB18030) or .docx; anything else raises LetterFileError with a one-line message for the user.
"""

from .files import LetterFileError, extract_text
from .heading import read_heading
from .parser import parse_letter

__all__ = ["LetterFileError", "extract_text", "parse_letter", "read_heading"]
