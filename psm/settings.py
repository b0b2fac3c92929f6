"""psm settings: one file, driven by the environment, loud on bad production values.

Every variable is documented in `.env.example` and the README's configuration table.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from psm import backends
from psm.crypto import check_fernet_keys, derive_key
from psm.logging import logging_config
from psm.security.headers import content_security_policy, permissions_policy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("PSM_TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "production never runs on a default key."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105  # nosec B105

# --- Encryption at rest of NIK and phone numbers (psm.crypto, SECURITY.md) -------------
# FIELD_ENCRYPTION_KEYS: Fernet keys, comma separated; the first encrypts, every one decrypts
# (rotation: put a new key first, `manage.py rotate_field_keys`, then drop the old one).
# NIK_HASH_KEY: the HMAC key of the NIK lookup hash (changing it needs a re-hash of every row).
# Production refuses to start without them; development and tests derive them from SECRET_KEY.
FIELD_ENCRYPTION_KEYS: list[str] = env.list("FIELD_ENCRYPTION_KEYS", default=[])
NIK_HASH_KEY = env.str("NIK_HASH_KEY", default="")
if not FIELD_ENCRYPTION_KEYS or not NIK_HASH_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and NIK_HASH_KEY must be set (see .env.example): NIK and "
            "phone numbers are encrypted with them, production never runs on derived keys."
        )
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [derive_key(SECRET_KEY, "field-encryption")]
    NIK_HASH_KEY = NIK_HASH_KEY or derive_key(SECRET_KEY, "nik-hash")
check_fernet_keys(FIELD_ENCRYPTION_KEYS)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "phonenumber_field",
    # Three third-party apps through psm.apps, for their names in the admin (in Indonesian).
    "psm.apps.CeleryBeatConfig",
    "psm.apps.AxesConfig",
    "django_otp",
    "psm.apps.OtpTotpConfig",
    "pgtrigger",
    "pghistory",
    "psm.security",
    "psm.accounts",
    "psm.notifications",
    "psm.accesslog",
    "psm.ui",
    "volunteers",
    "cases",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "psm.security.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "psm.security.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "psm.security.middleware.PrivateResponsesMiddleware",  # no-store for logged-in users
    # Audit (django-pghistory): who and which request, on every tracked write.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "psm.security.middleware.TwoFactorMiddleware",
    "psm.security.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "psm.urls"
WSGI_APPLICATION = "psm.wsgi.application"
ASGI_APPLICATION = "psm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "psm.context_processors.navigation",
                "csp.context_processors.nonce",
                "psm.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database: PostgreSQL only ---------------------------------------------------------
# DATABASE_URL wins; without it we use the private server of `python -m psm.devdb start`
# (started by `make run` / `make test`), found through the port it recorded.
DATABASES = {
    "default": backends.database(
        backends.database_url(env.str("DATABASE_URL", default="")),
        conn_max_age=env.int("DB_CONN_MAX_AGE", default=60),
        connect_timeout=env.int("DB_CONNECT_TIMEOUT", default=5),
        test_name=env.str("PSM_TEST_DB_NAME", default="test_psm"),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
# Retention (UU PDP): files of a closed case are deleted this many days after its last
# activity by `manage.py purge_attachments`; the attachment record and the case stay.
ATTACHMENT_RETENTION_DAYS = env.int("ATTACHMENT_RETENTION_DAYS", default=730)
MEDIA_URL = "/media-not-public/"  # never served directly: attachments go through a checked view
# STORAGE_URL: an S3-compatible store for media (needs django-storages); empty: MEDIA_ROOT.
STORAGES = backends.storages(
    storage_url=env.str("STORAGE_URL", default=""), debug_or_testing=DEBUG or TESTING
)
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 30

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Non-file form fields only (files are bounded by MAX_REQUEST_MB, see Security below).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Forms and UI ----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "ID"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# --- Email -----------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PSM Dinsos Banjarmasin <psm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------------------
# With REDIS_URL: Redis. Without: kombu's filesystem transport under .data/broker, so
# `make run` still fires reminders with no server to install.
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(BASE_DIR / ".data" / "broker")))
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT, CELERY_BROKER_TRANSPORT_OPTIONS = (
    backends.celery_broker(
        redis_url=REDIS_URL,
        broker_dir=BROKER_DIR,
        visibility_timeout=env.int("CELERY_VISIBILITY_TIMEOUT", default=600),  # Redis only
    )
)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60 * 8)
# The age above is an idle timeout: psm.security.middleware.SessionIdleMiddleware renews a
# session in use (at most once a minute, not on every request).
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ---------------------------------------------------------------------------
# NIK and phone numbers are redacted from every record (psm.logging).
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"))

# --- psm -------------------------------------------------------------------------------
PSM_DEMO_PASSWORD = env.str("PSM_DEMO_PASSWORD", default="")

# --- Reminders and notifications (psm.notifications) ------------------------------------
# The beat task `dispatch` sweeps every REMINDER_SWEEP_SECONDS: it asks each sweeper in
# PSM_REMINDER_SWEEPERS (dotted paths to `fn(*, now) -> Iterable[ReminderSpec |
# SqlReminders]`) for due reminders, inserts them idempotently, reclaims expired leases and
# enqueues deliveries.
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=60)
# The role home's template and context: a function `fn(*, user) -> (template, context)` of
# an app above psm (psm imports no app: the layers contract of `make lint`).
PSM_HOME_CONTEXT = "cases.selectors.home.home_context"
# A volunteer's case numbers (roster, profile, report pre-fill): an object of `cases` with the
# methods of volunteers.caseload.Caseload, so volunteers never import cases (layers contract).
PSM_VOLUNTEER_CASELOAD = "cases.selectors.caseload.CASELOAD"
# Who may file a case, `fn(user) -> bool` (the "New case" menu item asks it).
PSM_CASE_FILE_ALLOWED = "cases.services.intake.case_file_allowed"
PSM_REMINDER_SWEEPERS: list[str] = env.list(
    "PSM_REMINDER_SWEEPERS",
    default=[
        "cases.reminders.untriaged_cases",
        "cases.reminders.emergency_cases",
        "cases.reminders.visits_due",
        "cases.reminders.stalled_assigned_cases",
        "cases.reminders.inactive_volunteers",
        "cases.reminders.missing_monthly_reports",
        "cases.reminders.daily_digest",
    ],
)
PSM_REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=300)
PSM_REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=8)
PSM_REMINDER_BATCH = env.int("REMINDER_BATCH", default=5000)
PSM_REMINDER_TASK_TIME_LIMIT = env.int("REMINDER_TASK_TIME_LIMIT", default=120)
# Quiet hours (local time, TIME_ZONE): in-app notifications arrive at any hour (they wake
# nobody); email and WhatsApp/SMS of non-emergency reminders wait until the end.
PSM_QUIET_HOURS = (
    env.int("QUIET_HOURS_START", default=21),
    env.int("QUIET_HOURS_END", default=6),
)
WHATSAPP_GATEWAY_URL = env.str("WHATSAPP_GATEWAY_URL", default="")
WHATSAPP_GATEWAY_TOKEN = env.str("WHATSAPP_GATEWAY_TOKEN", default="")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
CELERY_BEAT_SCHEDULE = {
    "reminders-dispatch": {
        "task": "psm.notifications.tasks.dispatch",
        "schedule": float(REMINDER_SWEEP_SECONDS),
    },
}
if REDIS_URL and (
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= PSM_REMINDER_TASK_TIME_LIMIT
):
    # A task still running when Redis redelivers it would run twice at once.
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than REMINDER_TASK_TIME_LIMIT."
    )
# The export log's service (psm.exports.export_log): the roster export logs through it.
PSM_EXPORT_LOG = "reports.services.export_log_create"
# Absolute links in emails and WhatsApp messages.
PSM_SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
# The region's case reference prefix (BJM-2026-000123): letters only, set once per region.
CASE_REFERENCE_PREFIX = env.str("CASE_REFERENCE_PREFIX", default="BJM")
if not re.fullmatch(r"[A-Z]{2,8}", CASE_REFERENCE_PREFIX):
    raise ImproperlyConfigured("CASE_REFERENCE_PREFIX must be 2-8 capital letters, e.g. BJM.")
# --- Security: authentication, headers, abuse limits (SECURITY.md) ----------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out clients
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username+IP pair after AXES_FAILURE_LIMIT failures, a whole IP after
# LOGIN_IP_FAILURE_LIMIT (higher: an office or a mobile carrier NAT shares one IP).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
PSM_LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "psm.security.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "psm.security.lockout.lockout_response"
# A typed name that is no account's is recorded only as a digest (it may be a password).
AXES_USERNAME_CALLABLE = "psm.security.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# Behind a proxy, count the client's address, not the proxy's: set to the number of
# proxies that append to X-Forwarded-For (e.g. 1 for one nginx). One rule
# (psm.security.client_ip) for the lockout and the rate limits.
PSM_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "psm.security.client_ip.client_ip"

# Two-factor (TOTP) for supervisors and admins.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG and not TESTING)
OTP_TOTP_ISSUER = "PSM Banjarmasin"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP secret or QR
OTP_TOTP_THROTTLE_FACTOR = 1

CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from <body hx-headers>, never the cookie
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)

# The letterhead (kop surat) and signature block of the monthly PDF and the case print view.
# Defaults: today's office; another region sets its own.
REPORT_LETTERHEAD_AUTHORITY = env.str(
    "REPORT_LETTERHEAD_AUTHORITY", default="Pemerintah Kota Banjarmasin"
)
REPORT_LETTERHEAD_OFFICE = env.str("REPORT_LETTERHEAD_OFFICE", default="Dinas Sosial")
REPORT_LETTERHEAD_ADDRESS = env.str("REPORT_LETTERHEAD_ADDRESS", default="")
REPORT_REGION_NAME = env.str("REPORT_REGION_NAME", default="Kota Banjarmasin")
REPORT_SIGNING_PLACE = env.str("REPORT_SIGNING_PLACE", default="Banjarmasin")
REPORT_SIGNER_TITLE = env.str("REPORT_SIGNER_TITLE", default="Kepala Bidang Rehabilitasi Sosial")
REPORT_SIGNER_NAME = env.str("REPORT_SIGNER_NAME", default="")
REPORT_SIGNER_NIP = env.str("REPORT_SIGNER_NIP", default="")

# The case page's map (Leaflet, vendored). Tiles come from MAP_TILE_URL, a Leaflet URL
# template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty: no tiles are
# fetched (the marker and the "open in a maps app" links only). Its host, and nothing else,
# is added to the CSP's img-src below.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap")
# The "open in the browser" link of a case's point ({lat} and {lon} filled in).
MAP_LINK_URL = env.str(
    "MAP_LINK_URL",
    default="https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}",
)
if MAP_TILE_URL and not MAP_TILE_URL.startswith("https://") and not (DEBUG or TESTING):
    raise ImproperlyConfigured("MAP_TILE_URL must be an https:// URL (or empty).")

# Content-Security-Policy (django-csp 4): our origin or the per-request nonce for scripts,
# no inline styles; Permissions-Policy: only GPS and the camera (psm.security.headers).
CONTENT_SECURITY_POLICY = content_security_policy(map_tile_url=MAP_TILE_URL)
PERMISSIONS_POLICY = permissions_policy()

# Shared cache for rate limits: Redis when configured (atomic INCR, shared by every web
# node); otherwise the database table `psm_cache` (created by a migration).
CACHES = backends.caches(
    redis_url=env.str("CACHE_REDIS_URL", default=REDIS_URL) if REDIS_URL and not TESTING else ""
)
RATELIMIT_USE_CACHE = "default"
# The client address as the lockout sees it (honours TRUSTED_PROXY_COUNT).
RATELIMIT_IP_META_KEY = "psm.security.client_ip.client_ip"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)

# Uploads: at most this many files per request and this many bytes per request body.
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("MAX_UPLOAD_FILES", default=8)
PSM_MAX_REQUEST_BYTES = env.int("MAX_REQUEST_MB", default=60) * 1024 * 1024

# The field app (issue 17). A record filed offline keeps the phone's clock (`recorded_at`):
# at most this far ahead of the server (clock skew) and at most this old.
PSM_FIELD_CLOCK_SKEW_MINUTES = env.int("FIELD_CLOCK_SKEW_MINUTES", default=5)
PSM_FIELD_MAX_AGE_DAYS = env.int("FIELD_MAX_AGE_DAYS", default=30)
# The release the service worker's caches are named after; empty: a hash of the templates,
# static files and translations this process serves (any change installs a new version).
PSM_RELEASE = env.str("PSM_RELEASE", default="")
# Tests only: the outbox endpoint answers 500 to this many first attempts (fault injection
# for the browser tests' live server); always 0 outside the test suite.
PSM_FIELD_FAIL_FIRST = env.int("PSM_FIELD_FAIL_FIRST", default=0) if TESTING else 0
