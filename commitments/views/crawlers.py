"""robots.txt: what search engines may crawl.

Every page worth finding is in the sitemaps (sitemaps.py) at an address without a query. What a
crawler should leave alone: any address with a query (the list's filter combinations and pages,
the API's filtered lists: endless, and each one an uncached rendering), the exports, the
workspace, sign-in and the admin. `*` and `$` are wildcards as RFC 9309 defines them (Google,
Bing and Baidu read them); a crawler that does not is still kept out of everything else.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


def robots_lines(sitemap_url: str) -> list[str]:
    disallowed = ["/*?", "/*.csv$", "/*.xlsx$", "/admin/", "/accounts/", "/i18n/"]
    for code, _name in settings.LANGUAGES:
        disallowed += [f"/{code}/workspace/", f"/{code}/commitments/export"]
    return [
        "User-agent: *",
        *(f"Disallow: {path}" for path in disallowed),
        # The sitemaps' further pages have a query (?p=2); the longer rule wins.
        "Allow: /sitemap",
        "Allow: /",
        "",
        f"Sitemap: {sitemap_url}",
    ]


@require_safe
def robots_txt(request):
    lines = robots_lines(request.build_absolute_uri(reverse("sitemap")))
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
