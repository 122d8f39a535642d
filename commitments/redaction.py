"""Keeping contact details out of what the public reads (DESIGN rule 1).

Reply letters end with a line such as "（联系人：徐嘉；联系电话：15061894249）", and bureau staff
write numbers into progress updates and evidence descriptions. Everything public — pages, feeds,
the API, the CSV — shows these texts through `redact_contacts`, which blanks out:

- mainland mobile numbers anywhere, with or without +86 / 86 / 0086, in groups or not;
- landlines written with an area code, "0510-81234567", "(0510) 8123 4567", "+86 510 8123 4567";
- any number of seven digits or more that a label announces (电话, 手机, 联系方式, 拨打, Tel …),
  "电话：85123456", also after the contact's name ("联系人：张三，85123456"), with extensions;
- QQ numbers after their label, e-mail addresses, and the name after 联系人 / Contact.

A bare seven- or eight-digit number without a label or an area code is left alone: in these
texts it is far more often an amount, a count or a range ("12345678元", "3000-5000元",
"2024-2026年") than a local phone number, and blanking those would falsify the record.
Full-width digits and signs (１３９…, ＋86, ＠) count as their ASCII forms.
"""

import re

from django.utils.translation import gettext as _


def spaced(word):
    """A pattern for a word that may be written with spaces between its characters: 联 系 人."""
    return r"[ \u3000]?".join(re.escape(character) for character in word)


# \d is Unicode-aware in Python: full-width ０-９ are digits too.
SEP = r"[ \u3000\-－‐–—.．]"
PLUS = r"[+＋]"
COUNTRY = rf"(?:{PLUS}[ \u3000]?|[0０]{{2}}[ \u3000]?)[8８][ \u3000]?[6６]"
# What follows a number that is a quantity, a date or a document number, not a phone.
NOT_A_PHONE_AFTER = r"(?!\d)(?![ \u3000]*(?:年|月|日|号|元|万|亿|%|％))"
EXTENSION = r"(?:[ \u3000]?(?:转|分机|ext\.?|x)[ \u3000]?\d{1,6})?"

MOBILE_NUMBER = re.compile(
    rf"(?<!\d)(?:(?:{COUNTRY}|[(（]{PLUS}?[8８][6６][)）]|[8８][6６])[ \u3000]?{SEP}?)?"
    rf"[1１][3-9３-９]\d{SEP}?\d{{4}}{SEP}?\d{{4}}{NOT_A_PHONE_AFTER}"
)
# An area code needs its own brackets or a separator: an unbroken run of ten or more digits
# without a label is more often an account or a record number.
AREA_CODE = (
    rf"(?:[(（][ \u3000]?[0０][1-9１-９]\d{{1,2}}[ \u3000]?[)）]{SEP}?"
    rf"|[0０][1-9１-９]\d{{1,2}}{SEP}"
    rf"|(?:{COUNTRY}|[(（]{PLUS}?[8８][6６][)）]){SEP}?[(（]?[1-9１-９]\d{{1,2}}[)）]?{SEP})"
)
LANDLINE_NUMBER = re.compile(
    rf"(?<!\d){AREA_CODE}\d{{3,4}}{SEP}?\d{{4}}"
    rf"(?:[-－]\d{{1,5}}(?!\d)|{EXTENSION}){NOT_A_PHONE_AFTER}"
)

NUMBER_LABELS = "|".join(
    [
        *(
            spaced(word)
            for word in (
                "联系电话",
                "联系方式",
                "联系手机",
                "电话号码",
                "手机号码",
                "手机号",
                "办公电话",
                "咨询电话",
                "固定电话",
                "移动电话",
                "联系人",
                "电话",
                "手机",
                "座机",
                "传真",
                "热线",
                "拨打",
                "致电",
            )
        ),
        r"(?<![A-Za-z])(?:telephone|tel|phone|mobile|cell|fax|contact)(?![A-Za-z])\.?",
    ]
)
# Seven digits or more, in any grouping, with brackets, a country code and an extension.
ANY_NUMBER = rf"(?:{PLUS}|[(（])?\d(?:[ \u3000\-－‐–—.．()（）]{{0,2}}\d){{6,15}}{EXTENSION}"
ANNOUNCED_NUMBER = re.compile(
    rf"(?P<label>{NUMBER_LABELS})"
    # After a colon the contact's name may come first: "联系人：张三，85123456".
    rf"(?P<gap>[ \u3000]*(?:[:：][^\d\n。；;+＋(（]{{0,12}}?|为|是)?[ \u3000]*)"
    rf"(?P<number>{ANY_NUMBER}(?:[ \u3000]*[、/,，或和及][ \u3000]*{ANY_NUMBER})*)"
    rf"{NOT_A_PHONE_AFTER}",
    re.IGNORECASE,
)
QQ_NUMBER = re.compile(
    r"(?P<label>(?<![A-Za-z])QQ(?:号码?)?)(?P<gap>[ \u3000]*[:：]?[ \u3000]*)(?P<number>\d{5,12})"
    r"(?!\d)",
    re.IGNORECASE,
)
LETTERS_AND_DIGITS = "A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
EMAIL_ADDRESS = re.compile(
    rf"(?<![{LETTERS_AND_DIGITS}._%+\-])[{LETTERS_AND_DIGITS}._%+\-]+[ \u3000]?[@＠][ \u3000]?"
    rf"[{LETTERS_AND_DIGITS}\-]+(?:[.．][{LETTERS_AND_DIGITS}\-]+)+"
)
CONTACT_NAME = re.compile(
    rf"(?P<label>{spaced('联系人')}(?:[及和、/]{spaced('电话')})?|{spaced('经办人')}"
    r"|[Cc]ontact(?: [Pp]erson)?)"
    # A colon or a space: "联系人制度" is a system of contacts, not a name.
    r"(?P<sep>[ \u3000]*[:：][ \u3000]*|[ \u3000]+)"
    r"(?P<name>(?:(?!电话|手机|联系|座机|邮箱|传真)[\u4e00-\u9fff·•]){1,4}"
    r"|(?:(?:Mr|Ms|Mrs|Dr)\.?\s)?[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]+){0,2})"
)


# Every number pattern above needs at least five digits, grouped or not.
FIVE_DIGITS = re.compile(r"\d(?:[ \u3000\-－‐–—.．()（）]{0,2}\d){4}")


def redact_contacts(text, *, contact_name="", contact_phone=""):
    """The text with contact names, phone numbers and e-mail addresses replaced by a placeholder.

    `contact_name` and `contact_phone` are the ones recorded for the text (a reply's contact):
    they are withheld wherever they appear, labelled or not.
    """
    if not text:
        return text
    # A one-character name would blank out ordinary words; the 联系人 pattern catches those.
    known = [known for known in (contact_phone.strip(), contact_name.strip()) if len(known) >= 2]
    # Cheap tests first: most texts have no address, no long number and no contact's name (the
    # CSV export runs this over every row, a commitment page over each of its updates).
    has_address = "@" in text or "＠" in text
    has_number = FIVE_DIGITS.search(text) is not None
    has_label = "人" in text or "ontact" in text or "ONTACT" in text
    if not (has_address or has_number or has_label or any(name in text for name in known)):
        return text
    hidden = _("[withheld]")
    for name in known:
        text = text.replace(name, hidden)

    def keep_label(match):
        return match["label"] + match["gap"] + hidden

    if has_address:
        text = EMAIL_ADDRESS.sub(hidden, text)
    if has_number:
        text = ANNOUNCED_NUMBER.sub(keep_label, text)
        text = QQ_NUMBER.sub(keep_label, text)
        text = LANDLINE_NUMBER.sub(hidden, text)
        text = MOBILE_NUMBER.sub(hidden, text)
    if has_label:
        text = CONTACT_NAME.sub(lambda m: m["label"] + m["sep"] + hidden, text)
    return text


def reply_public_text(reply):
    """The reply letter's full text as the public may read it."""
    return redact_contacts(
        reply.full_text, contact_name=reply.contact_name, contact_phone=reply.contact_phone
    )
