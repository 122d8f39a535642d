"""When a signed-in user was here before this visit: "what changed since my last visit".

Django records the sign-in time in `last_login` as soon as someone signs in, which erases the
time of the visit before. The receiver below takes its place: it keeps the old value in the
session (written once, at sign-in, so the page cache still stores the pages that follow) and
then records the sign-in as Django does.
"""

import datetime

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in

PREVIOUS_VISIT_KEY = "_tracker_previous_visit"


def note_previous_visit(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and user.last_login:
        request.session[PREVIOUS_VISIT_KEY] = user.last_login.isoformat()
    update_last_login(sender, user, **kwargs)


def connect_signals():
    # Replace Django's receiver, which would overwrite last_login before ours could read it.
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(note_previous_visit, dispatch_uid="update_last_login")


def previous_visit(request) -> datetime.datetime | None:
    """The sign-in before this session's; None on a first sign-in."""
    value = request.session.get(PREVIOUS_VISIT_KEY)
    return datetime.datetime.fromisoformat(value) if value else None
