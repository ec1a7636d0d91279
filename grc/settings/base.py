"""Settings read from the environment (12-factor).

Defaults give a working local install with no services: SQLite and a filesystem Celery broker
under ``data/``. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to Postgres and Redis.
Debug is off unless ``DJANGO_DEBUG`` turns it on; ``grc.settings.production`` adds the required
secret key and hosts and the TLS settings of a deployment.
"""

import datetime as dt
import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
DATA_DIR = Path(env.str("GRC_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Debug is off unless DJANGO_DEBUG asks for it (scripts/run leaves it off: styled error pages).
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])


def _local_secret_key(data_dir: Path) -> str:
    """A random key made once for this machine's data/, so a local install needs no setup.

    Deployments use grc.settings.production, which refuses to start without DJANGO_SECRET_KEY.
    """
    path = data_dir / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key(DATA_DIR)

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets served locally (no CDN)
    "django_celery_beat",
    "axes",
    "csp",
    "grc.access",
    "grc.catalog",
    "evidence",  # schema history of the pre-split models; no models of its own
    "evidence.collection",
    "evidence.organizations",
    "evidence.manual",
    "evidence.exceptions",
    "evidence.posture",
    "evidence.packets",
    "evidence.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Parses upload bodies before CSRF does, noting file names with a path or NUL to refuse.
    "evidence.manual.middleware.UploadNameMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "grc.urls"
WSGI_APPLICATION = "grc.wsgi.application"
ASGI_APPLICATION = "grc.asgi.application"

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
                "grc.access.context_processors.role",
                "grc.notices.demo_history",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'grc.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Separate worker processes share the file; wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# API throttle counters live in the cache: share one (Redis) across web processes in production.
CACHE_URL = env.str("CACHE_URL", default="")
# Short socket timeouts: when Redis is down the throttles give up quickly and let requests through.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in: local passwords and/or OpenID Connect (see "Security settings" in the README).
GRC_LOCAL_PASSWORDS = env.bool("GRC_LOCAL_PASSWORDS", default=True)
GRC_OIDC_ENABLED = env.bool("GRC_OIDC_ENABLED", default=False)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    *(["django.contrib.auth.backends.ModelBackend"] if GRC_LOCAL_PASSWORDS else []),
    *(["grc.access.oidc.GroupRoleOIDCBackend"] if GRC_OIDC_ENABLED else []),
]
OIDC_RP_CLIENT_ID = env.str("GRC_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("GRC_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("GRC_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("GRC_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("GRC_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("GRC_OIDC_JWKS_ENDPOINT", default="") or None
OIDC_RP_SIGN_ALGO = env.str("GRC_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("GRC_OIDC_SCOPES", default="openid email profile groups")
OIDC_TIMEOUT = 10
GRC_OIDC_ISSUER = env.str("GRC_OIDC_ISSUER", default="")
# The ID token / userinfo claim listing the user's IdP groups, and IdP group -> role
# (admin, manager or auditor), e.g. GRC_OIDC_ROLE_GROUPS="grc-admins=admin,grc-auditors=auditor".
GRC_OIDC_GROUPS_CLAIM = env.str("GRC_OIDC_GROUPS_CLAIM", default="groups")
GRC_OIDC_ROLE_GROUPS = env.dict("GRC_OIDC_ROLE_GROUPS", default={})
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request until collectstatic ran
STATICFILES_DIRS = [BASE_DIR / "grc" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("GRC_MEDIA_ROOT", default=str(DATA_DIR / "media")))

# Celery. The default filesystem broker lets a separate local worker and beat run with no
# services; CELERY_BROKER_URL=redis://... is the deployment setting.
# The filesystem transport ignores the host; naming one keeps kombu from warning about it.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
BROKER_DIR = DATA_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("out", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (control) messages: kombu's default is ./control in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Must exceed the longest task so unacknowledged (acks_late) work is not redelivered early.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=50 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

TRUSTED_PROXY_COUNT = env.int("GRC_TRUSTED_PROXY_COUNT", default=0)
# JSON request bodies nested deeper than this are refused with 400 (no recursion in the parser).
GRC_JSON_MAX_DEPTH = env.int("GRC_JSON_MAX_DEPTH", default=32)
# Request bodies larger than this are refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("GRC_MAX_REQUEST_BYTES", default=2_621_440)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "grc.access.api.schema.ApiAutoSchema",
    # Views that support ?ordering= add rest_framework.filters.OrderingFilter themselves.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # An API key first, so a request without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "grc.access.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["grc.access.api.permissions.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": [
        "grc.access.api.throttling.ApiKeyRateThrottle",
        "grc.access.api.throttling.SessionUserRateThrottle",
        "grc.access.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env.str("GRC_API_RATE_PER_KEY", default="1200/minute"),
        "user": env.str("GRC_API_RATE_PER_USER", default="600/minute"),
        "anon": env.str("GRC_API_RATE_ANONYMOUS", default="60/minute"),
        # Failed API key attempts per client address (then 429 until the window passes).
        "api_key_failure": env.str("GRC_API_KEY_FAILURES", default="10/minute"),
    },
    # Reverse proxies in front of the app: 0 trusts no X-Forwarded-For (the client address is
    # REMOTE_ADDR), so a client cannot choose the address its failures are counted against.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PARSER_CLASSES": [
        "grc.access.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "grc.access.api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "grc.access.api.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("GRC_API_PAGE_SIZE", default=50),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GRC Evidence API",
    "DESCRIPTION": (
        "SOC 2 and CIS evidence collected from AWS accounts: the control catalog, accounts, "
        "collection runs, check results, evidence documents, control status over time and "
        "evidence packets.\n\n"
        "Authenticate with an API key (`Authorization: Api-Key <prefix>.<secret>`, created by an "
        "administrator under /api/keys/) or, in a browser, with the signed-in session. A key acts "
        "with its owner's role; a read-only key (and any auditor's key) may only read. "
        'Errors always have the body `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["grc.access.api.permissions.ApiDocsPermission"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CheckResultStatusEnum": "evidence.collection.models.results.CheckResult.Status",
        "CollectionRunStatusEnum": "evidence.collection.models.runs.CollectionRun.Status",
        "CollectionUnitStatusEnum": "evidence.collection.models.runs.CollectionUnit.Status",
        "ControlStatusEnum": "evidence.posture.models.status.ControlStatus",
        "EvidencePacketStatusEnum": "evidence.packets.models.packets.EvidencePacket.Status",
        "ReviewDecisionEnum": "evidence.manual.models.submissions.Decision",
        "ReviewStatusEnum": "evidence.manual.models.submissions.ReviewStatus",
        "EvidenceSubmissionKindEnum": "evidence.manual.models.submissions.EvidenceSubmission.Kind",
        "ProviderAttestationKindEnum": (
            "evidence.manual.models.attestations.ProviderAttestation.Kind"
        ),
        "EvidenceRequestFrequencyEnum": "evidence.manual.models.requests.Frequency",
    },
}

# Sign-in lockout (django-axes), for /auth/login/ and /admin/login/: after GRC_LOGIN_FAILURE_LIMIT
# failed attempts for one username, or from one address, sign-in is refused (HTTP 429) for
# GRC_LOGIN_LOCKOUT_MINUTES. Unlock sooner with `manage.py axes_reset` (all), `axes_reset_username
# NAME` or `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env.int("GRC_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("GRC_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "grc.access.views.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Content-Security-Policy (django-csp): scripts and styles from this site only, no inline script.
# Inline style attributes are allowed (bar widths, calendar columns are computed per page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The OpenAPI schema and its docs need a signed-in user or an API key unless this is true.
GRC_API_DOCS_PUBLIC = env.bool("GRC_API_DOCS_PUBLIC", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"forbidden": {"()": "grc.log_filters.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
        # Django's own debug console handler would print every request error a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["forbidden"]},
    },
}

# Account external ids are encrypted at rest (Fernet; keys derived from SECRET_KEY and these
# salts; SECRET_KEY_FALLBACKS keeps old rows readable after a key rotation).
SALT_KEY = env.list("GRC_FIELD_ENCRYPTION_SALTS", default=["grc-evidence-account-external-id"])
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

# The product's own settings (GRC_*).
from grc.settings.evidence import *  # noqa: E402, F403

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="grc-evidence@localhost")
# Mail goes to the console in local debug runs (the demo), through SMTP (EMAIL_HOST...) otherwise.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends."
    + ("console.EmailBackend" if DEBUG else "smtp.EmailBackend"),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Links in reminder emails start with this (e.g. https://grc.example.com); empty: no links.
GRC_BASE_URL = env.str("GRC_BASE_URL", default="")
# Local installs sign with a key kept under data/; production requires the configured one.
GRC_REQUIRE_SIGNING_KEY = False
