"""The sitemaps: every commitment, reply and organisation page, each year's report and the main
pages, in each language.

/sitemap.xml is an index of one sitemap per section (/sitemap-commitments.xml …); a section past
ADDRESSES_PER_SITEMAP addresses continues on further pages (?p=2 …), each listed in the index,
well within the protocol's 50,000 addresses and 50 MB per file. Each address names its
translations and the language-neutral address that redirects by the visitor's language
(hreflang alternates and x-default), as the page heads do (base.html).

Items are bare ids (and dates) rather than models: a section with 100,000 commitments reads two
columns, not 100,000 rows with their texts.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Commitment, Organisation, Reply
from .reports import report_years

# Languages included: a page in two languages counts twice.
ADDRESSES_PER_SITEMAP = 10_000


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = ADDRESSES_PER_SITEMAP
    url_name = None

    def location(self, item):
        return reverse(self.url_name, args=[item[0]])


class CommitmentSitemap(PublicSitemap):
    url_name = "commitments:commitment"

    def items(self):
        return Commitment.objects.public().order_by("pk").values_list("pk", "updated_at")

    def lastmod(self, item):
        return item[1]


class ReplySitemap(PublicSitemap):
    url_name = "commitments:reply"

    def items(self):
        return Reply.objects.order_by("pk").values_list("pk")


class OrganisationSitemap(PublicSitemap):
    url_name = "commitments:organisation"

    def items(self):
        return Organisation.objects.order_by("slug").values_list("slug")


class ReportSitemap(PublicSitemap):
    url_name = "commitments:report"

    def items(self):
        return [(row["year"],) for row in report_years()]


class PageSitemap(PublicSitemap):
    """The pages that are not about one row: the overview, the list, the reports, the methodology,
    the API's documentation."""

    def items(self):
        return [
            ("commitments:overview",),
            ("commitments:commitment_list",),
            ("commitments:report_index",),
            ("commitments:methodology",),
            ("commitments:api_docs",),
        ]

    def location(self, item):
        return reverse(item[0])


SITEMAPS = {
    "pages": PageSitemap,
    "commitments": CommitmentSitemap,
    "replies": ReplySitemap,
    "organisations": OrganisationSitemap,
    "reports": ReportSitemap,
}
