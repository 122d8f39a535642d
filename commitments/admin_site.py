"""The admin site: the supervising office's and the superusers' tool (DESIGN "Who uses it")."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


class TrackerAdminSite(admin.AdminSite):
    site_header = _("Commitment Tracker administration")
    site_title = _("Commitment Tracker")
    index_title = _("Proposals, replies and commitments")

    def has_permission(self, request):
        # Not `is_staff` alone: bureau staff and members work in the workspace, whatever flags an
        # account carries. (Imported here: this module loads with the apps, before the models.)
        from .permissions import can_use_admin

        return can_use_admin(request.user)

    def get_app_list(self, request, app_label=None):
        # Made when a page shows it, not for every page's context: the commitment list keeps
        # its sidebar between changes (admin/commitments/commitment/change_list.html).
        return SimpleLazyObject(
            lambda: super(TrackerAdminSite, self).get_app_list(request, app_label)
        )


class TrackerAdminConfig(AdminConfig):
    default_site = "commitments.admin_site.TrackerAdminSite"
