"""Compression of the pages, API answers, feeds and exports every anonymous visitor shares.

BREACH recovers a secret from a compressed response's size when the same response also echoes
what an attacker chose (a search term in the address). Only responses that hold no secret are
compressed here: none asked for with a session (a signed-in visitor's pages carry CSRF tokens
and what only they may see) and none that sets a cookie (a fresh CSRF token). The rest go out
as they are.

Compression is deterministic (no random file name in the gzip header, Django's own BREACH
padding, which a response without secrets does not need): the same page always compresses to
the same bytes, so its compressed form can carry a strong ETag of its own — the uncompressed
body's with `-gzip` added (conditional.py). A streamed CSV is compressed as it streams.
"""

import re

from django.middleware.gzip import GZipMiddleware

from .conditional import is_private

COMPRESSIBLE_TYPES = re.compile(
    r"(?:text/|application/(?:json|atom\+xml|rss\+xml|xml|javascript|vnd\.oai\.openapi))",
    re.IGNORECASE,
)


class SharedResponseGZipMiddleware(GZipMiddleware):
    max_random_bytes = 0

    def process_response(self, request, response):
        if is_private(request, response) or not COMPRESSIBLE_TYPES.match(
            response.get("Content-Type", "")
        ):
            return response
        etag = response.get("ETag", "")
        response = super().process_response(request, response)
        # GZipMiddleware weakens a strong tag (W/"…"); deterministic output keeps it strong.
        if response.get("Content-Encoding") == "gzip" and etag.startswith('"'):
            response["ETag"] = f'{etag[:-1]}-gzip"'
        return response
