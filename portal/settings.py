"""Settings of the portal: one file, every knob read from the environment.

The defaults run the embedded setup (SQLite, django-q2's database broker) safely; a
production deployment sets the variables documented in the README's configuration table.
"""

import base64
import hashlib
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from common.outbound import OutboundPolicy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public https base of the portal, used to build the webhook URLs given to the provider.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The built-in sandbox of the provider's APIs (demo mode, development, contract tests).
AXION_SANDBOX = env.bool("AXION_SANDBOX", default=DEBUG)

# Timeouts of every call to the provider, in seconds: (connect, read).
AXION_CONNECT_TIMEOUT = env.float("AXION_CONNECT_TIMEOUT", default=5.0)
AXION_READ_TIMEOUT = env.float("AXION_READ_TIMEOUT", default=20.0)
# Where a person waits for the answer (lookups, sends, deletes, media): one attempt, this
# read timeout. Jobs use AXION_READ_TIMEOUT and retry what is safe to repeat.
AXION_INTERACTIVE_READ_TIMEOUT = env.float("AXION_INTERACTIVE_READ_TIMEOUT", default=10.0)
# Provider hosts the portal may call (names, addresses, ".domain"); empty: any public host.
AXION_ALLOWED_HOSTS = env.list("AXION_ALLOWED_HOSTS", default=[])
try:
    OutboundPolicy(allowed_hosts=tuple(AXION_ALLOWED_HOSTS))
except ValueError as error:
    raise ImproperlyConfigured(f"AXION_ALLOWED_HOSTS: {error}") from error
# Total seconds of one call to the provider: connecting, sending and reading the answer.
AXION_CALL_DEADLINE_SECONDS = env.float("AXION_CALL_DEADLINE_SECONDS", default=30.0)
# Largest JSON answer read from the provider (getMMSMedia's files: MMS_MEDIA_MAX_BYTES).
AXION_MAX_REPLY_BYTES = env.int("AXION_MAX_REPLY_BYTES", default=2 * 1024 * 1024)
# Largest CSV file of contacts a member may import (bytes).
CONTACT_IMPORT_MAX_BYTES = env.int("CONTACT_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Seconds of provider calls that one organization gets in one run of a job.
AXION_ORGANIZATION_BUDGET_SECONDS = env.float("AXION_ORGANIZATION_BUDGET_SECONDS",
                                              default=60.0)

# Outgoing webhooks (webhooks_out): hosts an operator allows besides public https ones,
# listed exactly (names or addresses): these may be private or plain http.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
try:
    OutboundPolicy(allowed_hosts=tuple(WEBHOOK_ALLOWED_HOSTS))
except ValueError as error:
    raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_HOSTS: {error}") from error
# Total seconds of one delivery attempt: connecting, sending and reading the answer.
WEBHOOK_DELIVERY_TIMEOUT_SECONDS = env.float("WEBHOOK_DELIVERY_TIMEOUT_SECONDS", default=15.0)
# A delivery is retried (backoff with jitter) for this long, then abandoned.
WEBHOOK_DELIVERY_RETRY_HOURS = env.float("WEBHOOK_DELIVERY_RETRY_HOURS", default=24.0)
# An endpoint with no success for this long is disabled, and its admins are told.
WEBHOOK_ENDPOINT_DISABLE_DAYS = env.float("WEBHOOK_ENDPOINT_DISABLE_DAYS", default=3.0)
# After a rotation, the previous secret signs too for this long.
WEBHOOK_SECRET_GRACE_HOURS = env.float("WEBHOOK_SECRET_GRACE_HOURS", default=24.0)
# Finished deliveries and their attempts are deleted after this many days.
WEBHOOK_DELIVERY_RETENTION_DAYS = env.int("WEBHOOK_DELIVERY_RETENTION_DAYS", default=30)

INSTALLED_APPS = [
    # django.contrib.admin, its site requiring two-factor sign-in (accounts.admin_site).
    "accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "axes",
    # Two-factor sign-in: authenticator apps (TOTP) and recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "common",
    "accounts",
    "api",
    "events",
    "contacts",
    "faxes",
    "messaging",
    "optouts",
    "webhooks_out",
    "message_templates",
    "operations",
    "notifications",
    "charts",
    "fax_alerts",
    "campaigns",
    "search",
    "portal",
]
if AXION_SANDBOX:
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether the session gave a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.tenancy.OrganizationMiddleware",
    # Sends users who owe two-factor to set it up or give their code (reads memberships).
    "accounts.two_factor.TwoFactorMiddleware",
    # Last, as django-axes asks: answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "accounts.tenancy.organization_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers wait (busy_timeout) instead of failing with
    # "database is locked" when a read turns into a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
# Keep connections between requests: a new one costs a connect (and, on SQLite, the
# PRAGMAs above) on every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, locks and jobs ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_BROKER = env.str("Q_BROKER", default="orm")
if Q_BROKER not in {"orm", "redis"}:
    raise ImproperlyConfigured("Q_BROKER must be 'orm' or 'redis'.")
if Q_BROKER == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("Q_BROKER=redis needs REDIS_URL.")

Q_CLUSTER = {
    "name": env.str("Q_CLUSTER_NAME", default="portal"),
    "workers": env.int("Q_WORKERS", default=2),
    # A task runs at most `timeout` seconds; the broker hands it out again only after
    # `retry`, which must stay above the timeout or a slow task runs twice.
    "timeout": env.int("Q_TIMEOUT", default=120),
    "retry": env.int("Q_RETRY", default=300),
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "sync": env.bool("Q_SYNC", default=False),
    "poll": 0.5,
}
# Intervals of the periodic jobs (portal/jobs.py), in minutes.
HEARTBEAT_MINUTES = env.int("HEARTBEAT_MINUTES", default=1)
# /healthz calls the job cluster stale when its heartbeat is older than this.
HEALTH_MAX_JOB_AGE_SECONDS = env.int("HEALTH_MAX_JOB_AGE_SECONDS", default=300)
SANDBOX_ADVANCE_MINUTES = env.int("SANDBOX_ADVANCE_MINUTES", default=1)
FAX_SYNC_MINUTES = env.int("FAX_SYNC_MINUTES", default=5)
# Until this hour (connection's time zone), the fax sync fetches yesterday as well.
FAX_SYNC_YESTERDAY_HOURS = env.int("FAX_SYNC_YESTERDAY_HOURS", default=3)
# Days of fax history fetched when a fax connection is added (faxes/backfill.py), and how
# often the job starts or resumes the backfills that never finished.
FAX_BACKFILL_DAYS = env.int("FAX_BACKFILL_DAYS", default=30)
FAX_BACKFILL_MINUTES = env.int("FAX_BACKFILL_MINUTES", default=15)
SMS_SYNC_MINUTES = env.int("SMS_SYNC_MINUTES", default=2)
SMS_SYNC_BACKFILL_DAYS = env.int("SMS_SYNC_BACKFILL_DAYS", default=30)
SMS_SYNC_OVERLAP_MINUTES = env.int("SMS_SYNC_OVERLAP_MINUTES", default=10)
WEBHOOK_PROCESS_MINUTES = env.int("WEBHOOK_PROCESS_MINUTES", default=1)
# A woken job waits this long before it looks for work, and each process reads the wake-up
# marker at most once in this time (common.wakeups). 0 (the tests): a read per arrival.
JOB_WAKE_LEASE_SECONDS = env.float("JOB_WAKE_LEASE_SECONDS", default=0.1)
MEDIA_ARCHIVE_MINUTES = env.int("MEDIA_ARCHIVE_MINUTES", default=10)
WEBHOOK_PRUNE_MINUTES = env.int("WEBHOOK_PRUNE_MINUTES", default=60)
TOKEN_RENEW_MINUTES = env.int("TOKEN_RENEW_MINUTES", default=24 * 60)
TOKEN_RENEW_DAYS = env.int("TOKEN_RENEW_DAYS", default=5)
WEBHOOK_DELIVERY_MINUTES = env.int("WEBHOOK_DELIVERY_MINUTES", default=1)
# Notification e-mails: immediate ones go out at the next run, digests when due.
NOTIFICATION_EMAIL_MINUTES = env.int("NOTIFICATION_EMAIL_MINUTES", default=1)
# The charts' daily counts: today and yesterday recounted this often, the whole window daily.
CHARTS_COUNT_MINUTES = env.int("CHARTS_COUNT_MINUTES", default=5)
CHARTS_RECOUNT_MINUTES = env.int("CHARTS_RECOUNT_MINUTES", default=24 * 60)
# Fax alerts' job: stuck faxes, last tries, no fax sent by an hour (fax_alerts/alerting.py).
FAX_ALERT_MINUTES = env.int("FAX_ALERT_MINUTES", default=1)
KEYWORD_REPLY_MINUTES = env.int("KEYWORD_REPLY_MINUTES", default=5)
# Campaigns (bulk sends): the job that resumes running campaigns whose runner stopped; the
# rate of a new organization's campaigns, and the most any organization may set (the
# provider publishes no sending limit: carriers allow about one message a second per long
# code); how long one runner sends before handing over to the next (below Q_TIMEOUT).
CAMPAIGNS_MINUTES = env.int("CAMPAIGNS_MINUTES", default=1)
CAMPAIGN_RATE_PER_MINUTE = env.int("CAMPAIGN_RATE_PER_MINUTE", default=60)
CAMPAIGN_MAX_RATE_PER_MINUTE = env.int("CAMPAIGN_MAX_RATE_PER_MINUTE", default=600)
CAMPAIGN_RUN_SECONDS = env.int("CAMPAIGN_RUN_SECONDS", default=90)
CAMPAIGN_MAX_RECIPIENTS = env.int("CAMPAIGN_MAX_RECIPIENTS", default=100_000)

# Webhooks are unsigned: confirm each newSMS and updatedSMS with getSMS by its uuid first.
WEBHOOK_CONFIRM_NEW_SMS = env.bool("WEBHOOK_CONFIRM_NEW_SMS", default=True)
# Raw webhook requests (message texts) are deleted this long after they arrived.
WEBHOOK_RETENTION_DAYS = env.int("WEBHOOK_RETENTION_DAYS", default=30)
# A send whose outcome is unknown and that getSMS does not find by then is marked failed.
RECONCILE_GIVE_UP_MINUTES = env.int("RECONCILE_GIVE_UP_MINUTES", default=30)
# A send still SENDING after this long lost its process: it is settled like an unknown one.
SEND_STALE_MINUTES = env.int("SEND_STALE_MINUTES", default=5)
# Scheduled sends: how often the job looks for due ones, and how late one may still go
# (past it, after the job cluster was stopped, it is failed with the reason instead).
SCHEDULED_SEND_MINUTES = env.int("SCHEDULED_SEND_MINUTES", default=1)
SCHEDULED_SEND_MAX_LATE_MINUTES = env.int("SCHEDULED_SEND_MAX_LATE_MINUTES", default=60)
# Largest media file the archive keeps.
MMS_MEDIA_MAX_BYTES = env.int("MMS_MEDIA_MAX_BYTES", default=10 * 1024 * 1024)

if Q_BROKER == "redis":
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Secrets at rest ------------------------------------------------------------------
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off: one or more Fernet keys, "
            "comma-separated, the first one encrypts. Make one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    # Development only: a key derived from SECRET_KEY, so that `make run` needs no setup.
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins of a locked user or address before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (wrong passwords, wrong two-factor codes) are counted per username and
# address together, and per address; after AXES_FAILURE_LIMIT of either within
# AXES_COOLOFF_MINUTES that pair, or that address, is locked out for AXES_COOLOFF_MINUTES.
# Never per username alone: anyone could lock anyone out. django-axes has one limit for
# every parameter (the address's count, which includes the pair's, decides), so the limit
# is set for an address that an office shares.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# A good login must not clear the address's count: it would clear everyone's failures from
# there, and anyone with an account could guess another's password without end.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Kept out of the failed attempts axes stores: the two-factor code field.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# Two-factor sign-in (accounts.two_factor): the name authenticator apps show, and no app
# secret or recovery code on the admin's pages.
OTP_TOTP_ISSUER = "Axion portal"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Password reset e-mails per hour and client address, and per hour and e-mail address; past
# either, the same "check your e-mail" page answers and nothing is sent.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=10)
PASSWORD_RESET_PER_EMAIL_PER_HOUR = env.int("PASSWORD_RESET_PER_EMAIL_PER_HOUR", default=3)
# Trusted reverse proxies in front of the portal: client addresses (audit log, login
# lockout, webhook rate limit) are read from X-Forwarded-For behind them.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# Lockouts count the same client address as everything else (common.addresses).
AXES_CLIENT_IP_CALLABLE = "common.addresses.client_ip"
# Webhook requests per minute and client address. Counted per address, so traffic from
# elsewhere never uses up the provider's allowance.
WEBHOOK_RATE_PER_MINUTE = env.int("WEBHOOK_RATE_PER_MINUTE", default=1200)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Hashed, compressed static files (whitenoise) need `collectstatic`; development and the
# test suite serve them from the source folders instead.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Security headers -----------------------------------------------------------------
# Production (DEBUG off) sends cookies over HTTPS only and asks browsers for HTTPS (HSTS).
# Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=true so Django believes
# its X-Forwarded-Proto, and SECURE_SSL_REDIRECT=true unless the proxy redirects itself.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Answered over whatever scheme they come: the provider's webhooks (a sender does not follow
# a redirect with its POST, and the event would be lost) and /healthz (load balancers and
# probes speak plain http to the instance).
SECURE_REDIRECT_EXEMPT = [r"^hooks/", r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
            "form-action 'self'; object-src 'none'")

# --- REST API -------------------------------------------------------------------------
# Requests per API key (or per logged-in user) and period: "120/min"; empty: no limit.
API_RATE = env.str("API_RATE", default="120/min")
if API_RATE and not re.fullmatch(r"[1-9]\d*/[smhd][a-z]*", API_RATE):
    raise ImproperlyConfigured('API_RATE must look like "120/min" (per s, min, hour or day).')
# Largest request body outside file uploads: the API takes an MMS file (3.5 MB) in base64.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=6 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.OrganizationAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeysetPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Axion portal API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Faxes, messages, conversations and numbers of one organization. Authenticate with "
        "`Authorization: Bearer <API key>` (keys are made by owners and admins under "
        "Organization › API keys, with the scopes `read` and `send`); a logged-in browser "
        "session works too. Times are ISO 8601 in UTC. Lists are pages of `page_size` rows "
        "(at most 200) with a `next` link. Errors are "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DirectionEnum": "messaging.models.Direction",
        "MessageStatusEnum": "messaging.models.MessageStatus",
        "FaxStatusEnum": "faxes.models.FaxStatus",
        "MediaStateEnum": "messaging.models.MediaState",
        "ConversationStatusEnum": "messaging.models.ConversationStatus",
        "LabelColourEnum": "messaging.models.LabelColour",
        "FaxAlertRuleKindEnum": "fax_alerts.models.RuleKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # The documentation's assets are served by the portal itself, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging --------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line with request id, organization id and job name.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "common.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s "
                            "[req=%(request_id)s org=%(organization_id)s job=%(job)s] "
                            "%(message)s"},
        "json": {"()": "common.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                             "formatter": "json" if LOG_FORMAT == "json" else "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # runserver's request log goes through the same handler, so secrets are cut there too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Django logs every 4xx and 5xx with its path, and a webhook's path holds its secret:
        # cut out on the logger itself, before any handler sees the record.
        "django.request": {"filters": ["context"]},
    },
}
