"""Signed-in sessions end after SESSION_COOKIE_AGE without a request (TRACKER_SESSION_IDLE_HOURS).

Django's session lasts SESSION_COOKIE_AGE from its last save. SESSION_SAVE_EVERY_REQUEST would
turn that into an idle limit, at the price of a database write and a new cookie on every
request, and a page that sets a cookie is never stored by the page cache (page_cache.py). This
middleware saves the session again at most every REFRESH_SECONDS instead, which moves its expiry
forward; an idle limit of hours is not measurably shortened by a few minutes.

An expired session is gone from the database, so neither AuthenticationMiddleware nor the page
cache's own check of the session (PageCacheMiddleware.signed_in_as) finds a user in it.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

REFRESH_SECONDS = 300
SEEN_KEY = "_tracker_seen"


@receiver(user_logged_in)
def note_sign_in(sender, request, user, **kwargs):
    # Signing in saves the session with a fresh expiry: the first page after it need not.
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = timezone.now().timestamp()


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            if now - request.session.get(SEEN_KEY, 0) >= REFRESH_SECONDS:
                # Modifying the session makes SessionMiddleware save it with a fresh expiry.
                request.session[SEEN_KEY] = now
        return response
