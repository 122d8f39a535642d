import os

from django.core.wsgi import get_wsgi_application

# Set, not setdefault: the benchmark's environment names the application's settings.
os.environ["DJANGO_SETTINGS_MODULE"] = "bare.settings"
application = get_wsgi_application()
