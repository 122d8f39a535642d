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

from .base import InArray

# Stands for the word while the statement is compiled: two characters no text holds, without
# case, so that the search takes the same path for it as for the word.
WORD_PLACEHOLDER = "\x01\x02"
# The statements of word_ids, compiled once per database, newest bucket, limit and order.
WORD_IDS_SQL = {}


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
    bound = [
        param.replace(WORD_PLACEHOLDER, word)
        if isinstance(param, str) and WORD_PLACEHOLDER in param
        else param
        for param in params
    ]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, bound)
        return [pk for (pk,) in cursor.fetchall()]


def _compile(queryset, ordering, newest, limit):
    keys = {f"order_key_{index}": item.expression for index, item in enumerate(ordering)}
    found = queryset.annotate(**keys).bucket_union(WORD_PLACEHOLDER, newest, columns=keys)
    compiler = found[:limit].query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    if not any(WORD_PLACEHOLDER in param for param in params if isinstance(param, str)):
        raise ValueError(f"The word is not among the parameters of: {sql}")
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
