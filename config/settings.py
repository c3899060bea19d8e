"""Settings, read from environment variables.

The default (no variables set) is a local development setup on SQLite. Production sets at least
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
from datetime import time, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.storage_url import s3_options

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("DJANGO_TESTING", False):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development and tests only: a fixed, obviously insecure key.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "accounts",
    # Sign-in (sso/): local accounts, single sign-on with OpenID Connect, two-factor (TOTP).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "sso",
    "checklists",
    "authoring",
    "procurement",
    "validation",
    "monitoring",
    "market",
    "decisions",
    "dossier",
    "assistant",
    "notifications",
    # The API (api/): Django REST framework, its OpenAPI schema, hashed tokens (knox).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "api",
    "observability",
]

MIDDLEWARE = [
    # First and (next to) last, as django-prometheus requires: request counts and latencies.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "observability.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "procurement.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Administrators and content editors with a local account set up TOTP before anything else.
    "sso.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files open in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions take SQLite's write lock up front, so two people saving at once
    # queue up (for up to 20 s) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes). The axes backend must come first: with ModelBackend first a
# locked-out person still gets in. Failures count per account and, separately, per client
# address; a lock lifts itself after AXES_COOLOFF_MINUTES, and administrators see and lift
# locks in the admin (Axes: access attempts) or with `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # allauth's backend signs in people who came back from an identity provider.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The client address: REMOTE_ADDR, or the X-Forwarded-For entry added by the nearest of
# DJANGO_TRUSTED_PROXIES proxies in front of the app (0: no proxy; the header is ignored, since a
# client can write anything in it).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Signing in (django-allauth, see sso/ and README "Single sign-on"). Local accounts sign in with
# a username and password and are made by administrators: nobody signs up. People from a region
# sign in with its identity provider (OpenID Connect): a provider is a "Social application" in
# the admin (or an entry of SOCIALACCOUNT_PROVIDERS), and its first sign-in creates the person in
# the organisation the provider is mapped to (sso.IdentityProviderOrganisation), or is refused.
# People are matched by the provider's subject identifier, never by e-mail.
ACCOUNT_ADAPTER = "sso.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "sso.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Several accounts may carry one e-mail address (a local account and the same person's
# single-sign-on account); an address never joins two accounts.
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# As before allauth: the login page is shown to a signed-in person too (to switch accounts).
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
# Password attempts are throttled by django-axes alone (AXES_* above; sso.adapters explains);
# allauth's own limits stay for the second factor's codes.
ACCOUNT_RATE_LIMITS = {"login": None}
SOCIALACCOUNT_ADAPTER = "sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Guide til indkøb af klinisk AI")

# Danish first, English second.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day-month-year with the 24-hour clock (config/formats/en), not Django's US style.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Evidence files live outside the web root and are only served through a permission-checked view.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", BASE_DIR / "var" / "evidence"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(25 * 1024 * 1024)))
# Validation results files (CSV/XLSX): parsed row by row and kept in the database.
VALIDATION_UPLOAD_MAX_BYTES = int(
    os.environ.get("VALIDATION_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024))
)
# Dossier PDFs: stored once, never changed, outside the web root (served by a permission-checked
# view). Rendering runs in a background worker (`manage.py db_worker`) and is stopped after
# DOSSIER_RENDER_TIMEOUT seconds.
DOSSIER_ROOT = Path(os.environ.get("DOSSIER_ROOT", BASE_DIR / "var" / "dossiers"))
# Where files live (procurement/file_storage.py): the folders above by default; with STORAGE_URL
# (s3://BUCKET?endpoint_url=...&region=..., see config/storage_url.py) the private bucket of an
# S3-compatible store, evidence under evidence/ and dossiers under dossiers/. Keys from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or boto3's own sources when unset).
STORAGE_URL = os.environ.get("STORAGE_URL", "")
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
if STORAGE_URL:
    _s3 = s3_options(STORAGE_URL) | {
        "access_key": AWS_ACCESS_KEY_ID,
        "secret_key": AWS_SECRET_ACCESS_KEY,
    }
    _file_storages = {
        kind: {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3 | {"location": kind}}
        for kind in ("evidence", "dossiers")
    }
else:
    _local = "procurement.file_storage.LocalFileStorage"
    _file_storages = {
        "evidence": {"BACKEND": _local, "OPTIONS": {"root_setting": "EVIDENCE_ROOT"}},
        # Dossier versions never change: read-only on disk.
        "dossiers": {
            "BACKEND": _local,
            "OPTIONS": {"root_setting": "DOSSIER_ROOT", "file_permissions_mode": 0o444},
        },
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("DJANGO_TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    **_file_storages,
}
DOSSIER_RENDER_TIMEOUT = int(os.environ.get("DOSSIER_RENDER_TIMEOUT", "180"))
# A background job still RUNNING after this long has lost its worker (`manage.py reap_tasks`
# marks it failed; a dead worker on the same machine is recognised at once by its pid).
TASK_LEASE_SECONDS = int(os.environ.get("TASK_LEASE_SECONDS", str(DOSSIER_RENDER_TIMEOUT + 120)))
# `manage.py reap_tasks --retry` queues a lost dossier job again until it has had this many tries.
DOSSIER_MAX_ATTEMPTS = int(os.environ.get("DOSSIER_MAX_ATTEMPTS", "3"))
# Also check every dossier with pikepdf's strict PDF/A-3b validator before storing it (about a
# quarter more time per dossier; the output's conformance is otherwise ensured by construction
# and checked by the tests and bench/dossier.py).
DOSSIER_VERIFY_PDFA = env_bool("DOSSIER_VERIFY_PDFA", False)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The whole request body, files included: the largest upload plus room for the form's fields.
# Set the proxy's limit (nginx: client_max_body_size) to the same.
MAX_REQUEST_BYTES = max(EVIDENCE_MAX_BYTES, VALIDATION_UPLOAD_MAX_BYTES) + 1024 * 1024
# Django's temporary upload files, in a folder of the app's own so that `manage.py clean_orphans`
# finds those a killed process left behind.
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR", str(BASE_DIR / "var" / "uploads"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

# The pathway the new-project form offers first and selects: the full procurement pathway.
DEFAULT_PATHWAY = "indkoeb-ce-maerket-ai"

# The assistant ("Spørg guiden"): the pathway cited first when several have the same item, and
# how many days the question log keeps a question (`manage.py purge_questions` deletes older ones).
ASSISTANT_DEFAULT_PATHWAY = "indkoeb-ce-maerket-ai"
ASSISTANT_LOG_RETENTION_DAYS = int(os.environ.get("ASSISTANT_LOG_RETENTION_DAYS", "180"))
# Asking is throttled (assistant/throttle.py): at most this many questions a minute per signed-in
# person, and per client address for people who are not signed in (a hospital's staff may share
# one address, hence the higher number). 0 switches a limit off.
ASSISTANT_QUESTIONS_PER_MINUTE = int(os.environ.get("ASSISTANT_QUESTIONS_PER_MINUTE", "20"))
ASSISTANT_QUESTIONS_PER_MINUTE_PER_ADDRESS = int(
    os.environ.get("ASSISTANT_QUESTIONS_PER_MINUTE_PER_ADDRESS", "60")
)

# Sessions are rows in the database, so every web process on every machine knows everyone who is
# logged in (no sticky sessions). The default cache is per process on purpose: it only holds
# rendered guideline pages, which never change for a published version.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Django's cache. "throttle" counts requests for throttles in the database, so every worker
# process and machine counts together; its table is created by a migration (assistant 0002).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "throttle_cache",
        "TIMEOUT": 120,
        # Counters live two minutes; room for many people asking at once before the cache culls
        # (Django's default of 300 entries would drop live counters on a busy day).
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# E-mail, from Django's own setting names as environment variables (no URL parser needed).
# Without EMAIL_HOST, mail is printed to the console in development; production must set one.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "guide@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails and the calendar feed are absolute: the address people open the app at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The daily digest goes out at the first `manage.py send_digests` run after this local time.
NOTIFICATIONS_DIGEST_TIME = time.fromisoformat(os.environ.get("NOTIFICATIONS_DIGEST_TIME", "07:00"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Behind a TLS-terminating proxy set DJANGO_SECURE_SSL=1.
SECURE_SSL = env_bool("DJANGO_SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and the scraper may ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles only from the app's own static files
# (vendored, no CDN), no inline scripts, style attributes or eval; htmx's requests go to the app
# only. Bootstrap's CSS draws its form icons as data: images. Enforced everywhere, the browser
# tests included; DJANGO_CSP_REPORT_ONLY=1 only reports (to the browser console), for trying a
# change to the policy.
CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "base-uri": [SELF],
    "object-src": [NONE],
}
if env_bool("DJANGO_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

# The API (api/, see README "API"). Tokens are knox tokens (hashed) with a name, scopes and an
# expiry of at most API_TOKEN_MAX_DAYS; each token may make API_REQUESTS_PER_MINUTE requests,
# counted in the shared "throttle" cache like the assistant's questions (0: no limit).
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 - a model name, not a secret
# knox's own migrations would create the table of its default token model, which is swapped out.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_MODEL": KNOX_TOKEN_MODEL}
API_TOKEN_MAX_DAYS = 365
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "120"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.HasTokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clinical AI procurement guide API",
    "DESCRIPTION": (
        "The same doors and permissions as the web: non-members get 404, members without the "
        "right role 403; errors are RFC 9457 problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Observability (observability/): JSON log lines with the request id, user id, project id and
# duration when DEBUG is off or LOG_FORMAT=json (LOG_FORMAT=text for plain lines); Prometheus
# metrics at /metrics for a bearer token (METRICS_TOKEN) or client addresses (METRICS_ALLOWED_IPS,
# comma-separated), 404 when neither is set. Several processes per instance: set
# PROMETHEUS_MULTIPROC_DIR (read by prometheus-client itself; see observability/metrics.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "observability.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "observability.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
