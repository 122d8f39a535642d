"""CORS for the open data: a page on any other site may read the API and the feeds.

Anonymous and read-only: `Access-Control-Allow-Origin: *` on GET, HEAD and OPTIONS answers of
/api/v1/ and /feeds/, never `Allow-Credentials` (browsers then send no cookies, and the API
authenticates nobody anyway). The header is the same for every origin, so nothing varies on
`Origin` and one stored page (page_cache.py) serves every site. A preflight (a fetch that sends
If-None-Match, say) is answered here, before anything else runs.

First in settings.MIDDLEWARE, so that every answer on these addresses carries the header: a
stored page, a 304, a 429 (throttling.py) and a 503 (outage.py) alike.
"""

import re

from django.http import HttpResponse

OPEN_DATA_PATHS = re.compile(r"/(?:api/v1|feeds)/")
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Request headers a script may send beyond the ones every browser allows.
ALLOWED_HEADERS = "Accept, Accept-Language, Cache-Control, If-Modified-Since, If-None-Match"
# Response headers a script may read beyond the basic ones.
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After"
PREFLIGHT_MAX_AGE = 86400


class OpenDataCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not OPEN_DATA_PATHS.match(request.path_info):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        else:
            response = self.get_response(request)
            if request.method not in READ_METHODS:
                return response
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
