"""gunicorn's settings for the site: ``gunicorn -c clinic/deploy/gunicorn.conf.py clinic.wsgi``.

``make serve`` and the systemd unit start it this way. Command-line options
and ``GUNICORN_CMD_ARGS`` override what is set here (``--bind
127.0.0.1:8000`` keeps it on loopback behind a proxy on the same machine).
"""

import os

from clinic.env import env_bool, env_int

# PORT and WEB_CONCURRENCY are the names platforms set and gunicorn itself
# reads; here they are read the same way, with 8000 and one worker per core
# plus one as the defaults.
bind = [f"0.0.0.0:{env_int('PORT', default=8000)}"]
workers = env_int("WEB_CONCURRENCY", default=(os.cpu_count() or 1) + 1)
# Threads in each worker: a page waiting on the database, or a refused
# sign-in held back a moment (SIGN_IN_REFUSAL_HOLD_MS in clinic/settings.py),
# does not keep the next request waiting. Each thread has its own database
# connection: workers x threads stays well under PostgreSQL's max_connections.
worker_class = "gthread"
threads = env_int("WEB_THREADS", default=8)

# A request that has not finished in 30 s is killed and its worker replaced;
# stopping waits as long for the requests in flight. Workers are replaced
# after about a thousand requests, so a slow leak never grows far.
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100

# The request line (clinic.request_log) replaces gunicorn's access log, which
# would repeat each request with its raw path and query string.
accesslog = None
errorlog = "-"
loglevel = "info"

# No control socket: it would be one file in $HOME or $XDG_RUNTIME_DIR shared
# by every instance on the machine, and the systemd unit's home is read-only.
control_socket_disable = True

# Only a TLS proxy in front may say that a request came over HTTPS (gunicorn
# reads FORWARDED_ALLOW_IPS, loopback by default); without one, nobody may.
if not env_bool("BEHIND_PROXY", default=False):
    forwarded_allow_ips = ""
