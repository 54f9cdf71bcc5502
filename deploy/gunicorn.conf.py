"""Gunicorn settings for Shuangsuiji behind nginx (docs/operations.md).

Installed as /etc/shuangsuiji/gunicorn.conf.py and started by deploy/systemd/shuangsuiji.service
(or the Dockerfile) as ``gunicorn --config /etc/shuangsuiji/gunicorn.conf.py``.  Each value
can be overridden from the environment file /etc/shuangsuiji/env without editing this file.

Why these values:

* ``gthread`` workers: a request may run long (freezing or drawing a million-entity
  population takes seconds to a minute) and the web import runs in a thread of the worker
  process; threads keep the other requests of that worker moving, and the worker's
  heartbeat does not depend on a request finishing.
* 2 workers × 8 threads by default: enough for a county on 2 cores (bench/mixed_load.py).
  More workers need Redis (``SHUANGSUIJI_REDIS_URL``): the portal's rate limit counts in
  the cache, and without Redis each worker counts on its own.
* no ``max_requests``: recycling a worker would cut a running background import short
  (it rolls back completely, but the user has to start it again).
* logs to stdout/stderr: systemd's journal (``journalctl -u shuangsuiji``) or ``docker logs``.
"""

import os

wsgi_app = "shuangsuiji.wsgi:application"
bind = os.environ.get("SHUANGSUIJI_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("SHUANGSUIJI_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SHUANGSUIJI_THREADS", "8"))
# Seconds a silent worker may take before it is restarted, and that a stopping worker gets
# to finish its requests (systemd's TimeoutStopSec is a little longer).
timeout = int(os.environ.get("SHUANGSUIJI_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("SHUANGSUIJI_GRACEFUL_TIMEOUT", "120"))
keepalive = 5
# Only nginx on this host talks to gunicorn; X-Forwarded-* from anyone else are ignored.
forwarded_allow_ips = os.environ.get("SHUANGSUIJI_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-" if os.environ.get("SHUANGSUIJI_ACCESS_LOG", "1") == "1" else None
errorlog = "-"
loglevel = os.environ.get("SHUANGSUIJI_GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx saw it (X-Real-IP), then the request and its duration.
access_log_format = '%({x-real-ip}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "shuangsuiji"
