"""A search's matching ids in the list's order, for CommitmentQuerySet.search_ids.

A search counts its matches up to a limit and, within it, lists those matches sorted in the list's
order. Reading the matches' ids and then sorting them by id in a second statement read each
matching row twice, and the second time through the primary key: 4.5 ms for a word within the
limit at 100,000 commitments, 6-9 ms at 300,000 (80 words, in-process). The commonest search, a
word of two characters without case and no other filter, reads each match once, with the
columns its order needs, and sorts them in the same statement: 1.3 and 2.2-2.7 ms.
"""

from django.db import connections
from django.db.models import F, OrderBy
from django.db.models.expressions import RawSQL
from psycopg.types.json import Jsonb

from .base import InArray

# Stands for the word while the statement is compiled: two characters no text holds, without
# case, so that the search takes the same path for it as for the word.
WORD_PLACEHOLDER = "\x01\x02"
# The statements of word_ids, compiled once per database, newest bucket, limit and order.
WORD_IDS_SQL = {}
# The statements of word_page_ids, compiled once per database and order.
WORD_PAGE_SQL = {}


def sorted_ids(queryset, ids) -> list:
    """`ids`, all of them, in the queryset's order: sorted among the commitments alone, without
    the joins of the list's cards, and sent as one array (InArray). Left to choose, PostgreSQL
    walked the list's order and tested every commitment's bigrams on the way whenever another
    filter narrowed the search (120 ms for a word and an organisation); sorting the cards' join
    instead walked the list's order again, testing each row against the ids (5.9 ms for the 641
    matches of 电梯 on track, against 4.7 for the ids and then their cards)."""
    rows = queryset.model._default_manager.using(queryset.db).filter(InArray(F("pk"), ids))
    return list(rows.order_by(*queryset.query.order_by).values_list("pk", flat=True))


def word_ids(queryset, word, newest, limit) -> list:
    """search_ids for a word of two characters without case and no other filter: the matches
    of the newest two buckets, then of the older ones, up to `limit`, each with the columns of
    the queryset's order, sorted in the same statement. The statement is the same for every such
    word but for the word, so it is built and compiled once (building the union of two filtered
    querysets and compiling it took 0.6 ms) and the ids are read without the ORM's rows."""
    ordering = [_as_order_by(item) for item in queryset.query.order_by]
    key = (queryset.db, newest, limit, tuple(queryset.query.order_by))
    compiled = WORD_IDS_SQL.get(key)
    if compiled is None:
        compiled = WORD_IDS_SQL.setdefault(key, _compile(queryset, ordering, newest, limit))
    sql, params = compiled
    return _read_ids(queryset.db, sql, _bound(params, word))


def word_page_ids(queryset, word, start, stop) -> list:
    """The ids of the matches from `start` to `stop` in the queryset's order, for a word of two
    characters without case and no other filter: a page of a search beyond the count's limit.
    As word_ids, compiled once (building the filtered, ordered queryset and compiling it was
    about 440 Python calls of each such search), with LIMIT and OFFSET as parameters. Planned for
    each word: a common word's page is found by walking the list's order, a rarer one's by
    sorting its matches."""
    key = (queryset.db, tuple(queryset.query.order_by))
    compiled = WORD_PAGE_SQL.get(key)
    if compiled is None:
        found = queryset.search(WORD_PLACEHOLDER).values_list("pk", flat=True)
        sql, params = found.query.get_compiler(queryset.db).as_sql()
        _check(sql, params)
        compiled = WORD_PAGE_SQL.setdefault(key, (f"{sql} LIMIT %s OFFSET %s", params))
    sql, params = compiled
    return _read_ids(queryset.db, sql, [*_bound(params, word), max(stop - start, 0), start])


def _bound(params, word) -> list:
    """The compiled statement's parameters with the word in place of WORD_PLACEHOLDER: in the
    text matched, or in the bigrams looked up (JSON)."""
    bound = []
    for param in params:
        if isinstance(param, str) and WORD_PLACEHOLDER in param:
            param = param.replace(WORD_PLACEHOLDER, word)
        elif isinstance(param, Jsonb) and WORD_PLACEHOLDER in param.obj:
            param = Jsonb([word if item == WORD_PLACEHOLDER else item for item in param.obj])
        bound.append(param)
    return bound


def _check(sql, params):
    def holds(param):
        return (isinstance(param, str) and WORD_PLACEHOLDER in param) or (
            isinstance(param, Jsonb) and WORD_PLACEHOLDER in param.obj
        )

    if not any(holds(param) for param in params):
        raise ValueError(f"The word is not among the parameters of: {sql}")


def _read_ids(using, sql, params) -> list:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _compile(queryset, ordering, newest, limit):
    keys = {f"order_key_{index}": item.expression for index, item in enumerate(ordering)}
    found = queryset.annotate(**keys).bucket_union(WORD_PLACEHOLDER, newest, columns=keys)
    compiler = found[:limit].query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    _check(sql, params)
    if ordering:
        # The order of the list, over the columns the union read: as Django writes an order.
        order_sql = []
        for index, item in enumerate(ordering):
            column = OrderBy(
                RawSQL(f'found."order_key_{index}"', ()),
                descending=item.descending,
                nulls_first=item.nulls_first,
                nulls_last=item.nulls_last,
            )
            order_sql.append(compiler.compile(column)[0])
        sql = f"SELECT found.pk FROM ({sql}) AS found ORDER BY {', '.join(order_sql)}"
    return sql, params


def _as_order_by(item) -> OrderBy:
    if isinstance(item, str):
        return F(item[1:]).desc() if item.startswith("-") else F(item).asc()
    return item if isinstance(item, OrderBy) else item.asc()
