"""The markup the public pages write in Python rather than in templates (public_pages.py,
i18n_once.py) is the markup Django's own filters and tags write."""

from django.template import engines
from django.utils.html import linebreaks
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from commitments.templatetags.public_pages import paragraphs

TEXT = st.text(alphabet=st.sampled_from("ab 承诺\n\r\t<>&\"'%"), max_size=40)


@given(TEXT)
def test_an_update_s_paragraphs_are_django_s_linebreaks(text):
    assert paragraphs(text) == linebreaks(text, autoescape=True)


PHRASES = [
    "Commitments",
    "Progress %(progress)s%%",
    "Not updated recently",
    "No phrase of the catalogue: 100% <b>as written</b>",
    "Sub-target set by the bureau",
]


def test_a_constant_phrase_renders_as_django_s_translate_tag_in_each_language():
    engine = engines["django"]
    for phrase in PHRASES:
        tag = f'{{% translate "{phrase}" %}}'
        django_s = engine.from_string("{% load i18n %}" + tag)
        ours = engine.from_string("{% load i18n i18n_once %}" + tag)
        for language in ("zh-hans", "en"):
            with override(language):
                assert ours.render({}) == django_s.render({}), (phrase, language)
    with override("zh-hans"):
        assert (
            engine.from_string('{% load i18n i18n_once %}{% translate "Commitments" %}').render({})
            != "Commitments"
        )  # translated, not passed through
