from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from commitments import feeds
from commitments.signin import ThrottledPasswordResetView
from commitments.sitemaps import SITEMAPS
from commitments.views import crawlers, health

# A lost database connection answers 503 with a page of its own, never a 500 (outage.py).
handler500 = "commitments.outage.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
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
