"""Chinese substring search served by an index: each commitment's character bigrams.

PostgreSQL's trigram index cannot serve a two-character term such as 招商, and Debian ships no
bigram extension. So every commitment keeps the set of two-character pieces of its searchable
text (title, promised text and its proposal's title) in `search_grams`, a JSON array with a GIN
index (`jsonb_path_ops`, created on PostgreSQL by migration 0010). A search first narrows to the
commitments whose set holds every bigram of the term — a superset of the true matches, since any
text that contains the term contains its bigrams — and then runs the same LIKE as before on those
alone, so the result is exactly what the scan returned. A two-character term without case, such
as 招商, is its own only bigram: holding it is containing it, and the index alone answers
(`grams_decide`), as the sets are made again whenever one of the three texts changes. A query
that only counts the matches or lists their ids looks the bigrams up instead in a GIN index over
the same set as a text array, each bigram marked with its commitment's bucket of ids (migration
0019): it tells that a row holds them without reading the row again to test its JSON, and, asked for
the newest buckets first, stops at the count's limit within them for a common word. SQLite,
one-character terms and terms with letters whose case folds unevenly keep the plain scan.

Case: `icontains` compares UPPER(text) with UPPER(term). The grams are taken from the text with
every character upper-cased one for one (a character whose upper case is longer, such as ß, is
kept as it is), and a term is served by the index only when it holds no such character, so the
superset holds for cased terms too.
"""

from django.db import connection
from django.db.models.signals import post_save

# Bigrams of a term must all be in a commitment's set; more than this adds little selectivity.
MAX_TERM_GRAMS = 8
# A bucket holds the commitments whose ids share all but their last 15 bits: 32,768 ids, as the
# index of migration 0019 marks them.
GRAM_BUCKET_BITS = 15


def _fold(text: str) -> str:
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


def text_grams(*texts: str) -> list[str]:
    """The sorted set of two-character pieces of the texts, case folded."""
    grams = set()
    for text in texts:
        folded = _fold(text or "")
        grams.update(folded[i : i + 2] for i in range(len(folded) - 1))
    # PostgreSQL's jsonb cannot hold U+0000.
    return sorted(gram for gram in grams if "\x00" not in gram)


def term_grams(term: str) -> list[str] | None:
    """The bigrams a commitment must hold to contain `term`, or None when the index cannot say."""
    if len(term) < 2 or "\x00" in term:
        return None
    if any(len(c.upper()) != 1 or len(c.lower()) != 1 for c in term):
        return None
    grams = text_grams(term)
    # Spread the chosen grams over the term: its first, last and those between.
    if len(grams) > MAX_TERM_GRAMS:
        step = len(grams) / MAX_TERM_GRAMS
        grams = [grams[int(i * step)] for i in range(MAX_TERM_GRAMS)]
    return grams


def gram_bucket(pk: int) -> int:
    return pk >> GRAM_BUCKET_BITS


def bucket_grams(grams: list[str], bucket: int) -> list[str]:
    """The term's bigrams as the index of migration 0019 holds them for one bucket of ids."""
    return [f"{gram}#{bucket}" for gram in grams]


def grams_decide(term: str) -> bool:
    """Whether holding the term's bigrams is the same as containing the term, so that no LIKE
    need check: a two-character term is its own only bigram, and when neither character has case
    the folding leaves it, and every character that could stand for it, as it is. (No character's
    upper case is a character without case: checked over all of Unicode.)"""
    return len(term) == 2 and term.lower() == term.upper() and term_grams(term) == [term]


def index_serves_search() -> bool:
    return connection.vendor == "postgresql"


def commitment_grams(commitment, proposal_title: str) -> list[str]:
    return text_grams(commitment.title, commitment.promised_text, proposal_title)


def refresh_search_grams(commitments) -> int:
    """Recompute the bigrams of these commitments (a QuerySet); returns how many changed."""
    from .models import Commitment

    changed = []
    rows = commitments.select_related("reply__proposal").only(
        "title", "promised_text", "search_grams", "reply__proposal__title"
    )
    for commitment in rows.iterator(chunk_size=2000):
        grams = commitment_grams(commitment, commitment.reply.proposal.title)
        if grams != commitment.search_grams:
            commitment.search_grams = grams
            changed.append(commitment)
    # A plain UPDATE: the grams are shown nowhere, so no history row and no page-cache bump.
    Commitment.objects.bulk_update(changed, ["search_grams"], batch_size=1000)
    return len(changed)


def _commitment_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    # Commitment.save() keeps what was read in `_loaded` until after this signal: most saves
    # (a publish moving the status) leave the searched text alone and cost nothing here.
    loaded = getattr(instance, "_loaded", None)
    if not created and loaded is not None:
        searched = ("title", "promised_text", "reply_id")
        if all(
            loaded.get(name, getattr(instance, name)) == getattr(instance, name)
            for name in searched
        ):
            return
    refresh_search_grams(sender.objects.filter(pk=instance.pk))


def _proposal_saved(sender, instance, raw=False, **kwargs):
    from .models import Commitment

    if not raw:
        refresh_search_grams(Commitment.objects.filter(reply__proposal=instance))


def _reply_saved(sender, instance, raw=False, created=False, **kwargs):
    from .models import Commitment

    # A new reply has no commitments yet; a reply moved to another proposal changes their grams.
    if not raw and not created:
        refresh_search_grams(Commitment.objects.filter(reply=instance))


def connect_signals():
    from .models import Commitment, Proposal, Reply

    post_save.connect(_commitment_saved, sender=Commitment, dispatch_uid="search-commitment")
    post_save.connect(_proposal_saved, sender=Proposal, dispatch_uid="search-proposal")
    post_save.connect(_reply_saved, sender=Reply, dispatch_uid="search-reply")
