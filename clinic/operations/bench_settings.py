"""Settings for ``make bench-run``: production's, with a URLconf of its own.

Everything else is the site as deployed (``DEBUG`` off, the same middleware,
compressed static files, sessions in the database), so the figures are the
production site's. The environment still supplies what production's settings
require (``SECRET_KEY``, ``ALLOWED_HOSTS``, ``SITE_URL``, ``DATABASE_URL``):
the Makefile target sets them for loopback.
"""

from clinic.settings import *  # noqa: F403

DEBUG = False
# The site's URLs plus the two ceilings the benchmark compares pages with
# (clinic/operations/bench_urls.py); the real site never has them.
ROOT_URLCONF = "clinic.operations.bench_urls"
