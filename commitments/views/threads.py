"""The query threads shown under a progress update, with what this user may do in each."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from ..forms_queries import AnswerForm, FollowUpForm
from ..models import ReviewMessage
from ..permissions import can_answer_query, can_follow_up_query, can_publish_query


@dataclass
class Thread:
    review: object
    messages: list = field(default_factory=list)
    answer_form: AnswerForm | None = None
    follow_up_form: FollowUpForm | None = None
    may_publish: bool = False


def query_threads(user, update, *, bound=None) -> list[Thread]:
    """Each query on the update, oldest first; `bound` is a (review id, form) sent back invalid."""
    messages = ReviewMessage.objects.select_related("author", "organisation", "follow_up")
    reviews = (
        update.reviews.queries()
        .select_related("member")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by("created_at", "pk")
    )
    threads = []
    for review in reviews:
        review.update = update
        thread = Thread(review, list(review.messages.all()))
        kept = bound[1] if bound and bound[0] == review.pk else None
        if can_answer_query(user, review):
            thread.answer_form = kept or AnswerForm(review=review, user=user)
        if can_follow_up_query(user, review):
            thread.follow_up_form = kept or FollowUpForm(review=review)
        thread.may_publish = can_publish_query(user, review)
        threads.append(thread)
    return threads
