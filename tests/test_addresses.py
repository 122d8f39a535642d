"""Addresses made once per view and language (commitments/addresses.py) are reverse()'s."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils.translation import override

from commitments.addresses import address

VIEWS_WITH_ONE_ARGUMENT = [
    ("commitments:commitment", 5000),
    ("commitments:reply", 7),
    ("commitments:organisation", "xinwu-industry"),
    ("commitments:organisation", "a_b-9"),
    ("feed-commitment", 12),
    ("workspace:evidence", 3),
]
VIEWS_WITHOUT = [
    "commitments:overview",
    "commitments:commitment_list",
    "commitments:methodology",
    "commitments:report_index",
    "commitments:commitment_export",
    "commitments:api_docs",
    "feed-updates",
    "login",
    "logout",
    "set_language",
    "workspace:home",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("prefix", ["/", "/tracker/"])
def test_an_address_is_what_reverse_gives_in_each_language_and_prefix(language, prefix):
    set_script_prefix(prefix)
    try:
        with override(language):
            for name, argument in VIEWS_WITH_ONE_ARGUMENT:
                assert address(name, argument) == reverse(name, args=[argument])
            for name in VIEWS_WITHOUT:
                assert address(name) == reverse(name)
    finally:
        set_script_prefix("/")


def test_a_page_links_to_itself_in_the_other_language_and_to_its_letter_in_its_own(
    client, commitment
):
    chinese_address = commitment.get_absolute_url()
    with override("en"):
        english_address = commitment.get_absolute_url()
    assert (chinese_address, english_address) == (
        f"/zh-hans/commitments/{commitment.pk}/",
        f"/en/commitments/{commitment.pk}/",
    )
    chinese = client.get(chinese_address).content.decode()
    english = client.get(english_address).content.decode()
    assert f'<a href="{english_address}" hreflang="en" lang="en">English</a>' in chinese
    assert f'<a href="{chinese_address}" hreflang="zh-hans" lang="zh-hans">' in english
    for language, page in (("zh-hans", chinese), ("en", english)):
        assert f'<a href="/{language}/replies/{commitment.reply_id}/">' in page
        for code, other in (("zh-hans", chinese_address), ("en", english_address)):
            assert f'hreflang="{code}" href="http://testserver{other}"' in page
