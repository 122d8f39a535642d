from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from commitments import feeds
from commitments.signin import ThrottledPasswordResetView
from commitments.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
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
