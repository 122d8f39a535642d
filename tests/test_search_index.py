"""The bigram index serves Chinese substring search without changing a single result."""

import datetime
import re

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.filters import CommitmentFilter
from commitments.models import Commitment, Proposal, Reply, Session
from commitments.search import term_grams, text_grams

# Short alphabets, so that random terms often occur in random texts.
CHINESE = "招商引资养老服务公交河道"
LATIN = "abcAB Xy"
TEXTS = [
    "开展精准招商，强化龙头企业引领",
    "年内新建公共停车位200个。",
    "推进养老服务中心建设",
    "Smart parking for Xinwu district",
    "SMART Parking pilot; straße",
    "河道整治与公交线路优化",
    "招商引资招商",
    "",
]
TERMS = [
    "招商", "招", "商引资", "养老", "老服务中心建设", "公交", "200", "停车位2",
    "smart", "Smart", "SMART", "parking", "PARKING pi", "xinwu", "ße", "a", "河道整治与公",
    "找不到", "引领", "，强", "精准招商，强化", "20", "0个", "; ",
]  # fmt: skip


def scan(term):
    """What the search must return, computed without the database: the plain substring test."""
    cased = term.lower() != term.upper()

    def holds(text):
        return term.upper() in text.upper() if cased else term in text

    return {
        commitment.pk
        for commitment in Commitment.objects.select_related("reply__proposal")
        if holds(commitment.title)
        or holds(commitment.promised_text)
        or holds(commitment.reply.proposal.title)
    }


def make_world(texts):
    session = Session.objects.create(body="cppcc", name="测试会议", year=2024)
    for index, text in enumerate(texts):
        proposal = Proposal.objects.create(
            session=session, number=str(index + 1), title=texts[-index - 1] or "无题"
        )
        reply = Reply.objects.create(
            proposal=proposal, organisation=_bureau(), reply_date=datetime.date(2024, 6, 1)
        )
        Commitment.objects.create(
            reply=reply,
            position=1,
            title=text[:10] or "空",
            promised_text=text,
            lead_organisation=_bureau(),
        )


def _bureau():
    from commitments.models import Organisation

    bureau, _created = Organisation.objects.get_or_create(
        slug="search-bureau", defaults={"name": "检索测试局"}
    )
    return bureau


def found(term):
    """The matches, as the list shows them and as it counts them (through another index)."""
    listed = set(Commitment.objects.search(term).values_list("pk", flat=True))
    counted = Commitment.objects.search_ids(term, limit=len(listed) + 1)
    assert sorted(counted) == sorted(listed)
    return listed


@pytest.mark.django_db
@pytest.mark.parametrize("term", TERMS)
def test_search_returns_exactly_what_a_scan_returns(term):
    make_world(TEXTS)

    assert found(term) == scan(term)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.text(alphabet=CHINESE + LATIN, max_size=30), min_size=1, max_size=6),
    term=st.text(alphabet=CHINESE + LATIN, min_size=1, max_size=6),
)
def test_search_on_random_texts_matches_the_scan(texts, term):
    Commitment.objects.all().delete()
    Reply.objects.all().delete()
    Proposal.objects.all().delete()
    Session.objects.all().delete()
    make_world(texts)

    assert found(term) == scan(term)


@pytest.mark.django_db
def test_corrected_titles_and_renamed_proposals_are_found_by_their_new_words():
    make_world(["推进养老服务中心建设"])
    commitment = Commitment.objects.get()
    commitment.title = "社区食堂"
    commitment.promised_text = "新建社区食堂三处"
    commitment.save()
    proposal = commitment.reply.proposal
    proposal.title = "关于发展银发经济的提案"
    proposal.save()

    assert found("食堂") == {commitment.pk}
    assert found("银发") == {commitment.pk}
    assert found("中心建") == set()
    # Two characters the index alone answers: the old words are gone from the commitment's set.
    assert found("养老") == set()
    assert found("推进") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL")
@pytest.mark.django_db
def test_the_bigram_index_answers_a_two_character_term_and_narrows_a_longer_one():
    two = str(Commitment.objects.search("招商").query)
    three = str(Commitment.objects.search("招商引").query)

    # 招商 is its own only bigram: the index alone decides, without a LIKE over the matches.
    assert "search_grams" in two
    assert "LIKE" not in two
    assert "search_grams" in three
    assert "LIKE" in three
    assert "tracker_bigrams" in three  # the proposal titles' index (migration 0014)
    # Letters with case fold: their bigrams narrow, and the LIKE decides.
    assert "LIKE" in str(Commitment.objects.search("ab").query)
    # Counted, the bigrams are looked up bucket by bucket in the index of migration 0019.
    counted = str(Commitment.objects.search("招商", buckets=[1, 2]).query)
    assert "tracker_gram_buckets" in counted
    assert "招商#1" in counted and "招商#2" in counted
    assert "LIKE" not in counted
    assert "tracker_gram_buckets" in str(Commitment.objects.search("招商引", buckets=[0]).query)


def test_bigrams_fold_case_one_character_for_one():
    assert text_grams("Ab招") == ["AB", "B招"]
    assert term_grams("ß招") is None  # upper case of ß is longer: the scan decides
    assert term_grams("招") is None
    assert sorted(term_grams("招商引资")) == sorted(["招商", "商引", "引资"])


@pytest.mark.django_db
def test_a_search_with_more_matches_than_it_counts_says_more_than_and_lists_them(client, settings):
    settings.TRACKER_SEARCH_COUNT_LIMIT = 3
    make_world(["加装电梯第一批", "加装电梯第二批", "加装电梯第三批", "加装电梯第四批", "其他"])

    response = client.get("/zh-hans/commitments/?q=电梯")

    page = response.content.decode()
    assert "找到超过 3 项承诺" in page
    assert page.count('class="commitment-card"') == 4  # up to the limit and one more
    english = client.get("/en/commitments/?q=电梯").content.decode()
    assert "More than 3 commitments found" in english


@pytest.mark.django_db
def test_a_search_within_the_limit_gives_the_exact_number(client, settings):
    settings.TRACKER_SEARCH_COUNT_LIMIT = 3
    # The third matches through its proposal's title (make_world: the texts in reverse).
    make_world(["加装电梯第一批", "加装电梯第二批", "其他"])

    page = client.get("/en/commitments/?q=电梯").content.decode()

    assert "3 commitments found" in page
    assert "More than" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["updated", "target", "status"])
@pytest.mark.parametrize("first_id", [1, 70_000])  # ids in buckets 0 and 1, or 2 and 3
def test_a_search_s_pages_list_its_matches_in_the_list_s_order(client, sort, first_id, settings):
    settings.TRACKER_SEARCH_COUNT_LIMIT = 30
    make_world([f"加装电梯第{n}批" for n in range(25)] + ["其他"])
    statuses = ["on_track", "stalled", "completed", "not_started"]
    for index, pk in enumerate(Commitment.objects.order_by("pk").values_list("pk", flat=True)):
        Commitment.objects.filter(pk=pk).update(
            id=first_id + index * 1_500,
            status=statuses[index % len(statuses)],
            current_target_date=datetime.date(2025, 1, 1 + index % 7),
        )

    shown = []
    for page in (1, 2):
        html = client.get(f"/en/commitments/?q=电梯&sort={sort}&page={page}").content.decode()
        shown += re.findall(r'<h2 class="card-title"><a href="/en/commitments/(\d+)/">', html)
        assert "26 commitments found" in html  # 25 texts, and one proposal title

    in_order = CommitmentFilter({"sort": sort}, queryset=Commitment.objects.all()).qs
    expected = list(in_order.values_list("pk", flat=True))
    matching = set(Commitment.objects.search("电梯").values_list("pk", flat=True))
    assert shown == [str(pk) for pk in expected if pk in matching]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["电梯", "加装电梯", "Lift"])
def test_a_search_counts_matches_in_every_bucket_of_ids_up_to_its_limit(term):
    """Commitments far apart in ids fall in different buckets of the count's index."""
    # Three match by their text, two by their proposal's title (make_world: texts reversed).
    make_world(["加装电梯 lift"] * 3 + ["其他"] * 2)
    spread = [7, 40_000, 70_000, 200_000, 200_001]  # buckets 0, 1, 2 and 6
    for commitment, pk in zip(Commitment.objects.order_by("pk"), spread, strict=True):
        Commitment.objects.filter(pk=commitment.pk).update(id=pk)
    expected = scan(term)
    assert expected == set(spread)

    assert sorted(Commitment.objects.search_ids(term, limit=10)) == sorted(expected)
    first = Commitment.objects.search_ids(term, limit=2)
    assert len(first) == 2 and set(first) <= expected
    on_time = Commitment.objects.filter(pk__in=[7, 200_000])
    assert sorted(on_time.search_ids(term, limit=10)) == [7, 200_000]


@pytest.mark.django_db
def test_two_character_words_searched_one_after_another_each_count_their_own_matches():
    """A two-character word's count is compiled once and reused for the next word."""
    make_world(["加装电梯", "河道整治", "电梯维保", "其他", "河道保洁", "整治电梯"])
    for commitment, pk in zip(Commitment.objects.order_by("pk"), range(6), strict=True):
        Commitment.objects.filter(pk=commitment.pk).update(id=100_000 + pk * 40_000)

    for word in ["电梯", "河道", "整治", "维保", "找不"]:
        assert sorted(Commitment.objects.search_ids(word, limit=10)) == sorted(scan(word))


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["updated", "target", "status"])
def test_a_search_beyond_its_limit_lists_its_first_matches_in_the_list_s_order(
    client, sort, settings
):
    """Each word's pages, one word after another: a two-character word's page is compiled once
    and reused for the next word (search_page_ids)."""
    settings.TRACKER_SEARCH_COUNT_LIMIT = 25
    # Each word in 60 commitments, 30 by their text and 30 by their proposal's (make_world).
    words = [f"加装电梯第{n}批" for n in range(30)] + [f"河道整治第{n}段" for n in range(30)]
    make_world(words + ["其他事项"] * 60)
    for index, pk in enumerate(Commitment.objects.order_by("pk").values_list("pk", flat=True)):
        Commitment.objects.filter(pk=pk).update(
            status=["on_track", "stalled", "completed"][index % 3],
            current_target_date=datetime.date(2025, 1, 1 + index % 5),
        )
    in_order = CommitmentFilter({"sort": sort}, queryset=Commitment.objects.all()).qs

    for word in ["电梯", "河道", "加装电梯"]:
        shown = []
        for page in (1, 2):
            html = client.get(f"/en/commitments/?q={word}&sort={sort}&page={page}").content
            assert "More than 25 commitments found" in html.decode()
            found = r'<h2 class="card-title"><a href="/en/commitments/(\d+)/">'
            shown += re.findall(found, html.decode())

        matching = scan(word)
        first = [str(pk) for pk in in_order.values_list("pk", flat=True) if pk in matching]
        assert shown == first[:26], word  # up to the limit and one more


@pytest.mark.django_db
def test_one_status_sorted_by_status_lists_the_letters_newest_first(client):
    make_world(["第一份", "第二份", "第三份"])
    Commitment.objects.update(status="not_pursued")

    html = client.get("/en/commitments/?status=not_pursued&sort=status").content.decode()

    shown = re.findall(r'<h2 class="card-title"><a href="/en/commitments/(\d+)/">', html)
    newest_first = Commitment.objects.order_by("-reply_id", "position").values_list("pk", flat=True)
    assert shown == [str(pk) for pk in newest_first]
