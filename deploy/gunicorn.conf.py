"""gunicorn's settings for Commitment Tracker (deploy/systemd/tracker-web.service).

Each value can be changed in the environment file the service reads (/etc/tracker/tracker.env)
without editing this file; .env.example lists them.
"""

import multiprocessing
import os

# nginx, on this machine, is the only client; with nginx on another machine bind to this
# machine's private address and set GUNICORN_FORWARDED_ALLOW_IPS to nginx's address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: nginx buffers slow clients in both directions, so a worker is busy only while
# Django works. Each worker keeps its own page cache (TRACKER_PAGE_CACHE_MB, 64 MB by default)
# and up to two PostgreSQL connections (one listens for data changes): mind the server's
# max_connections (100 by default) across every app server, the task worker included.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))

# A CSV export of 100,000 commitments takes a few seconds and an import of a long letter about
# as long; anything past a minute is a stuck request. nginx waits a little longer
# (proxy_read_timeout 75s) so that gunicorn, not nginx, ends it and logs it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# On `systemctl reload` or stop, requests under way get this long to finish.
graceful_timeout = 30

# A fresh worker now and then bounds any slow growth in memory over months of running.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10

# Trust X-Forwarded-Proto (and so https, secure cookies) only from nginx.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# To the journal (journalctl -u tracker-web): one line a request with the client's address as
# nginx saw it and the time taken in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s"'

# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm"
proc_name = "tracker"
