"""
WSGI config for tracker project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# The addresses and every view behind them, imported as the worker starts rather than on its first
# request: Django waits for a request, and the first visitor of each new worker (one every few
# thousand requests, deploy/gunicorn.conf.py) waited about 0.4 s longer, mostly for the letter
# parser's patterns.
import_module(settings.ROOT_URLCONF)

# What the worker has loaded so far (Django, the views, the templates: about 100,000 objects)
# stays for the worker's life. Frozen, it is out of the garbage collector's sight, and the oldest
# generation's collections stop walking it: in-process, over 1,000 searches, they took up to
# 80 ms each (a search about 10), frozen at most 7. Ten-second loads rarely meet one: their
# throughput and p99 were the same either way.
gc.freeze()
