"""Settings read from the environment (12-factor).

Defaults give a working local install with no services: SQLite and a filesystem Celery broker
under ``data/``. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to Postgres and Redis.
Debug is off unless ``DJANGO_DEBUG`` turns it on; ``grc.settings.production`` adds the required
secret key and hosts and the TLS settings of a deployment.
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
DATA_DIR = Path(env.str("GRC_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Debug is off unless asked for: scripts/run (the local demo) sets DJANGO_DEBUG=1.
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
    "grc.access",
    "grc.catalog",
    "evidence",  # schema history of the pre-split models; no models of its own
    "evidence.collection",
    "evidence.organizations",
    "evidence.manual",
    "evidence.exceptions",
    "evidence.posture",
    "evidence.packets",
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
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
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
    },
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
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"botocore": {"level": "WARNING"}, "boto3": {"level": "WARNING"}},
}

# Evidence
# Account external ids are encrypted at rest (Fernet; keys derived from SECRET_KEY and these
# salts; SECRET_KEY_FALLBACKS keeps old rows readable after a key rotation).
SALT_KEY = env.list("GRC_FIELD_ENCRYPTION_SALTS", default=["grc-evidence-account-external-id"])
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
GRC_RUN_STALE_SECONDS = env.int("GRC_RUN_STALE_SECONDS", default=3 * 3600)
# Tasks started with a finished run's id (the wiring between collection and the apps above it).
GRC_RUN_FINISHED_TASKS = ["evidence.posture.tasks.control_status_rollup_task"]
# The longest an accepted risk may last before it must be reviewed again.
GRC_EXCEPTION_MAX_DAYS = env.int("GRC_EXCEPTION_MAX_DAYS", default=365)
GRC_EVIDENCE_RETENTION_DAYS = env.int("GRC_EVIDENCE_RETENTION_DAYS", default=3 * 365)

# Evidence packets: base64 of a 32-byte Ed25519 seed (see evidence/packets/signing.py).
GRC_PACKET_SIGNING_KEY = env.str("GRC_PACKET_SIGNING_KEY", default="")

# Manual evidence: uploads (type detected from content), validity grace and reminders.
GRC_MANUAL_MAX_UPLOAD_BYTES = env.int("GRC_MANUAL_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# Days an approved submission stays valid after its frequency period ends (time to renew).
GRC_MANUAL_GRACE_DAYS = env.int("GRC_MANUAL_GRACE_DAYS", default=30)
# The daily reminder lists requests due within this many days, and overdue ones.
GRC_MANUAL_REMINDER_DAYS = env.int("GRC_MANUAL_REMINDER_DAYS", default=14)
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
