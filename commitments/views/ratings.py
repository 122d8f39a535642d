"""Satisfaction ratings (满意度测评): a committee member rates a reply's handling and outcome."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from .. import workflow
from ..forms import RatingForm
from ..models import Reply, SatisfactionRating
from ..permissions import WorkspaceMixin, can_rate_replies, can_rate_reply


class RateReplyView(WorkspaceMixin, View):
    template_name = "commitments/rating_form.html"

    def setup_rating(self):
        if not can_rate_replies(self.request.user):
            raise PermissionDenied(_("Committee members rate replies."))
        reply = get_object_or_404(
            Reply.objects.select_related("proposal__session", "organisation"), pk=self.kwargs["pk"]
        )
        if not can_rate_reply(self.request.user, reply):
            raise PermissionDenied(_("Committee members rate replies."))
        rating = SatisfactionRating.objects.filter(reply=reply, member=self.request.user).first()
        return reply, rating

    def render_form(self, reply, form):
        context = {
            "reply": reply,
            "form": form,
            "commitments": reply.commitments.order_by("position"),
            "rehandlings": reply.proposal.rehandlings.order_by("round"),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        reply, rating = self.setup_rating()
        return self.render_form(reply, RatingForm(instance=rating))

    def post(self, request, pk):
        reply, rating = self.setup_rating()
        form = RatingForm(request.POST, instance=rating)
        if not form.is_valid():
            return self.render_form(reply, form)
        _rating, rehandling = workflow.rating_save(
            reply=reply,
            member=request.user,
            handling=form.cleaned_data["handling"],
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Your rating was saved."))
        if rehandling:
            messages.warning(
                request,
                _(
                    "The outcome was rated “Dissatisfied”: the proposal goes back to the bureau "
                    "for round %(round)d, due on %(date)s."
                )
                % {"round": rehandling.round, "date": date_format(rehandling.due_date)},
            )
        return redirect("workspace:rate_reply", pk=reply.pk)
