"""Answering a member's query on an update: the bureau answers, the member writes again or marks
it resolved, the office publishes the exchange. Every write goes through `commitments.workflow`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import workflow
from ..forms_queries import AnswerForm, FollowUpForm
from ..models import Review
from ..permissions import (
    WorkspaceMixin,
    can_answer_query,
    can_follow_up_query,
    can_publish_query,
)
from .updates import render_update_detail, visible_update


def visible_query(user, pk) -> Review:
    """A query on an update this user may see (queries are on published updates only)."""
    review = get_object_or_404(Review.objects.queries(), pk=pk)
    review.update = visible_update(user, review.update_id)
    return review


def back_to_thread(review):
    return redirect(reverse("workspace:update", args=[review.update_id]) + f"#query-{review.pk}")


class QueryActionView(WorkspaceMixin, View):
    allowed = None

    def post(self, request, pk):
        review = visible_query(request.user, pk)
        if not type(self).allowed(request.user, review):
            raise PermissionDenied
        return self.act(request, review)

    def resend(self, request, review, form):
        """The update page again, with the form's errors where it was filled in."""
        return render_update_detail(request, review.update, bound_query=(review.pk, form))


class QueryAnswerView(QueryActionView):
    allowed = staticmethod(can_answer_query)

    def act(self, request, review):
        form = AnswerForm(request.POST, review=review, user=request.user)
        if not form.is_valid():
            return self.resend(request, review, form)
        workflow.query_answer(
            review=review,
            by=request.user,
            text=form.cleaned_data["text"],
            follow_up=form.cleaned_data["follow_up"],
        )
        messages.success(request, _("Your answer was sent to the member and the office."))
        return back_to_thread(review)


class QueryFollowUpView(QueryActionView):
    allowed = staticmethod(can_follow_up_query)

    def act(self, request, review):
        form = FollowUpForm(request.POST, review=review)
        if not form.is_valid():
            return self.resend(request, review, form)
        workflow.query_follow_up(review=review, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Sent: the bureau is asked to answer again."))
        return back_to_thread(review)


class QueryResolveView(QueryActionView):
    allowed = staticmethod(can_follow_up_query)

    def act(self, request, review):
        workflow.query_resolve(review=review, by=request.user)
        messages.success(request, _("The query is marked resolved."))
        return back_to_thread(review)


class QueryPublishView(QueryActionView):
    allowed = staticmethod(can_publish_query)

    def act(self, request, review):
        workflow.query_publish(review=review, by=request.user)
        messages.success(request, _("The query and its answers are now on the public page."))
        return back_to_thread(review)
