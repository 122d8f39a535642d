"""My profile in the workspace: who I am here, and which emails I get."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import workflow
from ..forms_accounts import NoticesForm
from ..permissions import WorkspaceMixin


class ProfileView(WorkspaceMixin, View):
    template_name = "commitments/workspace_profile.html"

    def render_page(self, form):
        return render(self.request, self.template_name, {"form": form})

    def get(self, request):
        return self.render_page(NoticesForm(user=request.user))

    def post(self, request):
        form = NoticesForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_page(form)
        # Kinds the role does not receive stay as they were.
        offered = {kind.key for kind in form.kinds}
        kept = [key for key in request.user.muted_notices or [] if key not in offered]
        workflow.profile_save(user=request.user, by=request.user, muted=kept + form.muted())
        messages.success(request, _("Your email choices were saved."))
        return redirect("workspace:profile")
