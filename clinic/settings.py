"""Settings for the clinic companion site.

Everything that differs between machines comes from the environment through
the typed readers in ``clinic.env``. Defaults are the safe production ones;
``make run`` and the test settings switch on the development values.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from clinic.env import env_bool, env_int, env_list, env_str
from clinic.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG, default="dev-only-not-secret")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", required=not DEBUG, default=["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.apps.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks_db",
    "accounts",
    "mats",
    "clinic.visits",
    "clinic.plans",
    "clinic.usage",
    "clinic.review",
    "clinic.reminders",
    "clinic.patients",
    "clinic.notifications",
    "clinic.background",
    "clinic.operations",
]

MIDDLEWARE = [
    # First, so that its one line per request times and sees every answer.
    "clinic.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Refuses a paused address's or a busy machine's sign-in (accounts.
    # sign_in_limits) before sessions, CSRF, the user and axes cost anything:
    # under attack that is nearly every sign-in. Inside the two above, so the
    # answer is logged and has HSTS; it adds the other page headers itself.
    "accounts.sign_in_limits.SignInGateMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are sent gzipped (static files come pre-compressed from WhiteNoise,
    # above). Django pads each compressed answer with random bytes ("Heal the
    # Breach"), which defeats BREACH-style guessing of secrets in the page.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the membership or patient record and the clinic read in
    # the same query as the user (accounts.identity).
    "accounts.identity.IdentityAuthenticationMiddleware",
    # request.user.is_verified(): has this session passed a second factor?
    # django-otp's, with the session's device read by SQL built once
    # (accounts/otp_middleware.py).
    "accounts.otp_middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.HtmxAwareLoginRequiredMiddleware",
    # After sign-in and OTPMiddleware: members and staff (and patients who
    # turned one on) pass their second factor before any other page.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "accounts.middleware.ClinicTimeZoneMiddleware",
    # One read of the current safety version per request (mats.services).
    "mats.middleware.SafetyVersionPerRequest",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accounts.middleware.PrivateNoStoreMiddleware",
    "accounts.middleware.RefuseNulBytesMiddleware",
    "accounts.middleware.RefuseAdminDatesOutOfRangeMiddleware",
    "accounts.middleware.AdminLoneSurrogatesMiddleware",
    # Axes goes last so that it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"
ASGI_APPLICATION = "clinic.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite is the embedded default so that the site runs with nothing else
# installed; PostgreSQL is what production and CI use.
_default_sqlite = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
try:
    _database = dj_database_url.parse(
        env_str("DATABASE_URL", default=_default_sqlite), conn_max_age=60
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        # WAL lets the guided timer's reads carry on while a check-off writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {})
    # Statements prepared on the server: planning a query cost PostgreSQL more
    # than running it (1.7 ms against 0.1 ms for the session and identity read
    # every signed-in page makes). Psycopg prepares a statement once a
    # connection has run it twice, and PostgreSQL then plans it once. That needs
    # parameters sent apart from the SQL (server-side binding). Off for a
    # connection pooler that cannot keep prepared statements (PgBouncer before
    # 1.21 in transaction mode): DATABASE_PREPARED_STATEMENTS=0.
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        _database["OPTIONS"]["server_side_binding"] = True
        _database["OPTIONS"]["prepare_threshold"] = 2
    # No JIT: the patient list's flag subqueries are cheap to run (about 0.2 s
    # for 1,000 patients) but their cost estimate makes PostgreSQL compile
    # them first, which took 1.8 s of that query. Short web queries never gain.
    _database["OPTIONS"]["options"] = (
        _database["OPTIONS"].get("options", "") + " -c jit=off"
    ).strip()
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and passwords ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Axes refuses an email locked at an address; then accounts.sign_in_limits
# refuses an address paused across every email (password spraying) or a
# machine busy hashing, and otherwise checks the password as ModelBackend
# does, counting a wrong one. Nothing is hashed before both have said yes.
# ModelBackend stays for sessions that name it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.sign_in_limits.AddressLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many passwords this machine's web processes may be hashing at once;
# a sign-in beyond that is asked to try again in a few seconds, unhashed.
# Argon2 as configured uses every core for a moment, so under an attack from
# many addresses this keeps workers and cores free for everyone else.
# 0 means no limit.
SIGN_IN_CHECKS_AT_ONCE = env_int(
    "SIGN_IN_CHECKS_AT_ONCE", default=max(1, (os.cpu_count() or 1) // 2)
)
# A refused sign-in waits this many milliseconds before its answer, so that a client
# sending again the moment it hears back sends far less often; at most
# SIGN_IN_HOLDS_AT_ONCE wait at once in each web process (their threads
# sleep; gunicorn runs WEB_THREADS threads a process, 8 by default, see
# clinic/deploy/gunicorn.conf.py). Either at 0 turns it off.
SIGN_IN_REFUSAL_HOLD_MS = env_int("SIGN_IN_REFUSAL_HOLD_MS", default=1000)
SIGN_IN_HOLDS_AT_ONCE = env_int("SIGN_IN_HOLDS_AT_ONCE", default=5)
PASSWORD_HASHERS = [
    # Django's Argon2 with one lane (accounts/hashers.py says why).
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = 7

# Sign-in throttling: five failures for the same email from the same address
# lock that pair out for fifteen minutes (a password reset from the email
# lifts it); twenty from one address across any emails pause that address
# for fifteen minutes (accounts.sign_in_limits.PER_ADDRESS).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# One page for both refusals: the email locked at this address, or the
# address paused (accounts.sign_in_limits).
AXES_LOCKOUT_CALLABLE = "accounts.sign_in_limits.lockout_response"
# An attempt refused during a lock-out writes nothing and does not restart
# the cool-off: under attack a refusal stays a couple of reads, and the
# attacker's retries are bounded by the address-wide count instead.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.throttle.username_for_lockout"

# Second factor (django-otp). Codes from an authenticator app are checked
# against the previous, current and next 30-second step (tolerance 1, for a
# phone's clock and the time to type); the clock drift is never learnt, so an
# old code cannot become valid again, and a code used once (last_t) is refused
# after. Each wrong code doubles the wait before the next try: 1, 2, 4, 8...
# seconds, so a guesser gets fewer than twenty tries a day against a million codes.
OTP_TOTP_ISSUER = "Mat companion"
OTP_TOTP_SYNC = False
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin never shows an authenticator's secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The client's address (sign-in lock-outs, the limits on password-reset and
# invitation email) is read by accounts.throttle.client_address. Behind
# TRUSTED_PROXY_COUNT proxies that each append to X-Forwarded-For, it is the
# entry the outermost of them added; with 0 the header is never trusted,
# since any client can send one.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 (no proxy) or more."
    )
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"

# --- Sessions -------------------------------------------------------------
# Django's database sessions, with the row read every request by a statement
# built once instead of compiled each time (accounts/session_store.py).
SESSION_ENGINE = "accounts.session_store"
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Uploaded pictures ----------------------------------------------------
# Pictures content editors upload for positions, stored through Django's
# storage API (STORAGES["default"]). On this machine they live in MEDIA_ROOT
# and mats.views.position_picture serves them; a deployment that keeps them in
# S3-compatible storage sets MEDIA_URL to the bucket's https:// address, which
# the CSP then allows pictures from.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = env_str("MEDIA_URL", default="/media/")
if not MEDIA_URL.endswith("/") or not MEDIA_URL.startswith(("/", "https://", "http://")):
    raise ImproperlyConfigured(
        f"MEDIA_URL={MEDIA_URL!r} must be a path such as /media/ or an https:// address, "
        "ending with a slash."
    )
_media = urlsplit(MEDIA_URL)
MEDIA_ORIGINS = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []

# --- Security headers -----------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
)
# A balancer probes the health checks over plain HTTP on the private side.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "connect-src": [CSP.SELF],
    # The service worker (/sw.js) and the app manifest come from this site only.
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Email ----------------------------------------------------------------
# Every email is stored in the request's transaction and sent by a task after
# it commits (clinic/notifications): the default mailer only queues, so no
# request waits on a mail server and a rolled-back one sends nothing. The
# "outbound" mailer is the real one the worker sends through: the console in
# development, SMTP in production.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mailer_options = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mailer_options = {
        "host": env_str("EMAIL_HOST", default="localhost"),
        "port": env_int("EMAIL_PORT", default=25),
        "username": env_str("EMAIL_HOST_USER", default=""),
        "password": env_str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        # A server that hangs fails the try (and it is retried) instead of
        # holding a worker; well under the ten minutes after which a send
        # counts as abandoned (clinic.notifications.tasks.STALE_AFTER).
        "timeout": 30,
    }
MAILERS = {
    "default": {"BACKEND": "clinic.notifications.backends.QueuedEmailBackend"},
    "outbound": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mailer_options},
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Mat companion <noreply@localhost>")

# The site's address, for links in email sent without a request (the
# practitioner's alert is sent from the patient's report, by a worker).
SITE_URL = env_str("SITE_URL", required=not DEBUG, default="http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} must start with https:// (or http:// in development)."
    )

# Passkeys and security keys (django-otp-webauthn), a second way to pass the
# second factor beside the authenticator app. A passkey is bound to a domain
# (the relying party ID): the site's own, from SITE_URL. Browsers refuse an IP
# address there, so on this machine (SITE_URL http://127.0.0.1:8000) passkeys
# are made for localhost and work at http://localhost:8000, and with
# PASSKEYS_ON_ANY_LOCAL_PORT (development and tests only) at any port of
# localhost, such as the test server's (accounts.passkeys.PasskeyHelper).
# A passkey never replaces the password: it is a second factor only.
_site = urlsplit(SITE_URL)
try:
    ipaddress.ip_address(_site.hostname or "")
    OTP_WEBAUTHN_RP_ID = "localhost"
except ValueError:
    OTP_WEBAUTHN_RP_ID = _site.hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = "Mat companion"
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    [f"{_site.scheme}://{_site.netloc}"]
    if _site.scheme == "https" or _site.hostname == "localhost"
    else []
)
if DEBUG:
    OTP_WEBAUTHN_ALLOWED_ORIGINS += ["http://localhost:8000"]
# Read when the settings load, since Django's test runner turns DEBUG off.
PASSKEYS_ON_ANY_LOCAL_PORT = DEBUG
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
# Long enough to find a security key in a bag (WCAG 2.2, enough time).
OTP_WEBAUTHN_TIMEOUT_SECONDS = 5 * 60

# --- Background tasks -----------------------------------------------------
# Django's tasks framework, stored in the database and run by `manage.py
# worker` (make worker). The engine can change here without touching a task.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded pictures. MEDIA_STORAGE_BACKEND names another of Django's
    # storage classes (e.g. django-storages' S3Storage, installed and set up
    # with its own settings) for a deployment that keeps them elsewhere.
    "default": {
        "BACKEND": env_str(
            "MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development and tests WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logs and error reports -----------------------------------------------
# One line per request (clinic.request_log) on standard error: JSON for a log
# collector in production, a readable line in development.
LOG_FORMAT = env_str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not one of json, text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "clinic.request_log.ContextFilter"},
        "tracebacks_only": {"()": "clinic.request_log.TracebacksOnly"},
    },
    "formatters": {
        "json": {
            "()": "clinic.request_log.JsonLineFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The request line (clinic.request) and the worker's task lines.
        "clinic": {"level": "INFO"},
        # Replaces Django's own handlers (a second, plain console copy in
        # development; mail to ADMINS, who are not set), so that its lines
        # reach the one handler above.
        "django": {"level": "INFO"},
        # The request line already says what Django's 4xx warnings, the 5xx
        # a view answers on purpose and the development server's access lines
        # say, and without their raw paths: only tracebacks are kept.
        "django.request": {"level": "ERROR", "filters": ["tracebacks_only"]},
        "django.server": {"level": "ERROR"},
    },
}


# Errors go to Sentry only when SENTRY_DSN is set (clinic/sentry.py).
init_sentry()
