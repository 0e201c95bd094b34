"""gunicorn settings of the portal: `gunicorn portal.wsgi -c gunicorn.conf.py`.

Every value can be overridden from the environment. On PostgreSQL, 3 gthread workers with
4 threads each keep 2 cores busy while requests wait on the database; on SQLite, one
worker with 8 threads.
"""

import os

_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# SQLite has one writer at a time: one process with threads beats several processes that
# make each other wait inside SQLite.
workers = int(os.environ.get("WEB_CONCURRENCY", "1" if _sqlite else "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8" if _sqlite else "4"))
# A request that takes longer than this is killed: provider calls time out well before.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Django is imported once, in the master; a worker that replaces one after max_requests is
# a fork, not a second start of Django.
preload_app = True
# Access log without the query string and with webhook secrets cut out.
logger_class = "common.redaction.RedactingGunicornLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """The app is preloaded in the master: should anything there have opened a database
    connection, close it before the fork, so that no two workers ever share one."""
    from django.db import connections

    connections.close_all()
