"""The bare Django project the benchmark compares against: one view, no apps, no middleware.

It measures what Django and gunicorn cost before the application adds anything.
"""

import os

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "bench-bare-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
MIDDLEWARE = []
ROOT_URLCONF = "bare.urls"
DATABASES = {}
USE_TZ = True
WSGI_APPLICATION = "bare.wsgi.application"
