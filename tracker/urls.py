from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from commitments import feeds

admin.site.site_header = _("Commitment Tracker administration")
admin.site.site_title = _("Commitment Tracker")
admin.site.index_title = _("Proposals, replies and commitments")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("commitments.api")),
    path("feeds/updates/", feeds.PublishedUpdatesFeed(), name="feed-updates"),
    path("feeds/commitments/<int:pk>/", feeds.CommitmentUpdatesFeed(), name="feed-commitment"),
]

urlpatterns += i18n_patterns(
    path("", include("commitments.urls")),
    path("workspace/", include("commitments.workspace_urls")),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
