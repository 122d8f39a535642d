"""Keeping contact details out of what the public reads (DESIGN rule 1).

Reply letters end with a line such as "（联系人：徐嘉；联系电话：15061894249）". The letter text is
published as written, except that the contact's name and phone number are blanked out.
"""

import re

from django.utils.translation import gettext as _

# A number after a word that announces it (电话, 手机, 联系方式, Tel …), in any of its usual forms.
ANNOUNCED_NUMBER = re.compile(
    r"(?P<label>(?:联系)?(?:电话|手机|座机|传真|联系方式)|tel|phone)(?P<sep>\s*[:：]?\s*)"
    r"(?P<number>\+?[\d(（][\d\s\-－—()（）/、,，]{5,}\d)",
    re.IGNORECASE,
)
# A mainland mobile number anywhere, even without a label.
MOBILE_NUMBER = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
ANNOUNCED_CONTACT = re.compile(
    r"(?P<label>联系人)(?P<sep>\s*[:：]?\s*)(?P<name>[^\s;；,，。)）]{1,10})"
)


def redact_contacts(text, *, contact_name="", contact_phone=""):
    """The text with contact names and phone numbers replaced by a placeholder."""
    if not text:
        return text
    hidden = _("[withheld]")
    # A one-character name would blank out ordinary words; the 联系人 pattern catches those.
    for known in (contact_phone.strip(), contact_name.strip()):
        if len(known) >= 2:
            text = text.replace(known, hidden)
    text = ANNOUNCED_NUMBER.sub(lambda m: m["label"] + m["sep"] + hidden, text)
    text = ANNOUNCED_CONTACT.sub(lambda m: m["label"] + m["sep"] + hidden, text)
    return MOBILE_NUMBER.sub(hidden, text)


def reply_public_text(reply):
    """The reply letter's full text as the public may read it."""
    return redact_contacts(
        reply.full_text, contact_name=reply.contact_name, contact_phone=reply.contact_phone
    )
