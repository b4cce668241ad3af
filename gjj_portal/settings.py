"""Settings for the 公积金个人网厅, read from environment variables.

Every variable is documented in `.env.example`. One file for every environment: production
differs by `DJANGO_DEBUG=false` (secure cookies, HSTS, a required secret key), development by
having no `DATABASE_URL` (SQLite) and no `CELERY_BROKER_URL` (tasks run eagerly).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. On a development machine set "
            "DJANGO_DEBUG=true (in the environment or in .env; `make run` writes that .env for you)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105 (DEBUG only; refused above)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "captcha",
    "axes",
    "csp",
    "django_guid",
    "dbbackup",
    "gjj_portal",
    "policy",
    "accounts",
    "deposits",
    "withdrawals",
    "loans",
    "messages_center",
    "crosscenter",
    "hall",
    "rest_framework",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    # First: every log line of the request (and of the Celery tasks it starts) carries its request id.
    "django_guid.middleware.guid_middleware",
    "gjj_portal.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gjj_portal.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "policy.middleware.BusinessGuardMiddleware",
    "gjj_portal.errors.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    "gjj_portal.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "gjj_portal.urls"
# A refused CSRF check gets the portal's own Chinese page (templates/403_csrf.html) with a way back.
CSRF_FAILURE_VIEW = "gjj_portal.views.csrf_failure"
WSGI_APPLICATION = "gjj_portal.wsgi.application"

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
                "policy.context_processors.center",
                "gjj_portal.context_processors.display",
                "hall.context_processors.inbox",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL; without it, SQLite for the demo (`make run`).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env("GJJ_SQLITE_NAME", default="db.sqlite3"),  # make run CENTER=… has its own
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials before any check
    "accounts.backends.DepositorBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"

# Single sign-on (OpenID Connect, mozilla-django-oidc) with the provincial government-service account.
GJJ_OIDC_ENABLED = env.bool("GJJ_OIDC_ENABLED", default=False)
GJJ_OIDC_ID_CLAIM = env("GJJ_OIDC_ID_CLAIM", default="id_card_no")
GJJ_OIDC_LABEL = env("GJJ_OIDC_LABEL", default="政务服务网账号登录")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_AUTHENTICATION_CALLBACK_URL = "deposits:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if GJJ_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("deposits.sso.GovOIDCBackend")

# Failed logins (django-axes): 5 failures lock that person (whatever identifier was typed) from that
# address for 30 minutes; identifiers that name no one count against the address (accounts/lockout.py).
# The page says so without telling whether the account exists.
AXES_FAILURE_LIMIT = env.int("GJJ_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("GJJ_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_key"
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# A fixed window: tries during a lockout do not restart its 30 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Counted under the client's address, taken from X-Forwarded-For only when the proxy is trusted.
AXES_CLIENT_IP_CALLABLE = "gjj_portal.http.client_ip"
# Failed passwords from one address across people (accounts/lockout.py): past this many in an hour, one try
# every GJJ_LOGIN_ADDRESS_DELAY seconds from that address.
GJJ_LOGIN_ADDRESS_FAILURES = env.int("GJJ_LOGIN_ADDRESS_FAILURES", default=20)
GJJ_LOGIN_ADDRESS_DELAY = env.int("GJJ_LOGIN_ADDRESS_DELAY", default=15)
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "gjj_portal.hashers.OwaspArgon2PasswordHasher",
    # Hashes made before Argon2id: verified, then upgraded at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.PolicyPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Chinese on every page whatever the browser asks for: one language and no LocaleMiddleware, so Django's and
# admin's own strings (and form errors) are always the zh-hans ones.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Strings Django's own zh_Hans catalog lacks (locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded materials live outside the web root and are served only through a checked view.
PRIVATE_MEDIA_ROOT = env.path("GJJ_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
# The default storage is the private one too (nothing serves MEDIA_URL): what `mediabackup` saves.
MEDIA_ROOT = str(PRIVATE_MEDIA_ROOT)
# Backups (django-dbbackup; `manage.py backup_center` / `restore_center`): pg_dump's custom format and a tar of
# the private media, into GJJ_BACKUP_DIR — a volume of its own, copied off the machine by the center's
# backup job. They hold personal data: the directory is the operators' only (README: deploy).
GJJ_BACKUP_DIR = env.path("GJJ_BACKUP_DIR", default=BASE_DIR / "backups")
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(GJJ_BACKUP_DIR), "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}
DBBACKUP_SEND_EMAIL = False  # a failed backup fails the operator's command (and its cron job), loudly
DBBACKUP_CLEANUP_KEEP = env.int("GJJ_BACKUP_KEEP", default=14)
DBBACKUP_CLEANUP_KEEP_MEDIA = DBBACKUP_CLEANUP_KEEP
# A CJK TrueType font (or collection) for the issued PDFs, embedded as a subset. The portal ships one
# (gjj_portal/fonts: WenQuanYi Micro Hei, Apache-2.0), so a fresh machine needs no font package.
GJJ_PDF_FONT = env("GJJ_PDF_FONT", default=str(BASE_DIR / "gjj_portal" / "fonts" / "wqy-microhei.ttc"))
# The center's document-signing key and certificate (PEM; gjj_portal/pdfsign.py): every issued PDF is signed
# (PAdES). The chain up to the center's CA, and the roots a verifier trusts (default: the chain, else the
# certificate). Unset: a throwaway self-signed demo certificate (check --deploy refuses that in production).
GJJ_SIGNING_KEY_FILE = env("GJJ_SIGNING_KEY_FILE", default="")
GJJ_SIGNING_KEY_PASSPHRASE = env("GJJ_SIGNING_KEY_PASSPHRASE", default="")
GJJ_SIGNING_CERT_FILE = env("GJJ_SIGNING_CERT_FILE", default="")
GJJ_SIGNING_CHAIN_FILE = env("GJJ_SIGNING_CHAIN_FILE", default="")
GJJ_SIGNING_TRUST_FILE = env("GJJ_SIGNING_TRUST_FILE", default="")
GJJ_UPLOAD_MAX_BYTES = env.int("GJJ_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# All the materials of one application together: files and bytes.
GJJ_MATERIALS_MAX_FILES = env.int("GJJ_MATERIALS_MAX_FILES", default=10)
GJJ_MATERIALS_MAX_BYTES = env.int("GJJ_MATERIALS_MAX_BYTES", default=30 * 1024 * 1024)
# Employers' lists uploaded on the web: bytes, rows and seconds of reading; bigger lists go through the
# operator's `import_remittance`, which reads up to GJJ_IMPORT_MAX_ROWS.
GJJ_LIST_MAX_BYTES = env.int("GJJ_LIST_MAX_BYTES", default=5 * 1024 * 1024)
GJJ_LIST_MAX_ROWS = env.int("GJJ_LIST_MAX_ROWS", default=5000)
GJJ_LIST_MAX_SECONDS = env.float("GJJ_LIST_MAX_SECONDS", default=5.0)
GJJ_IMPORT_MAX_ROWS = env.int("GJJ_IMPORT_MAX_ROWS", default=500_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CACHES = {
    "default": (
        {"BACKEND": "gjj_portal.cache.RedisCache", "LOCATION": env("REDIS_CACHE_URL")}
        if env("REDIS_CACHE_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # The layout's parts that are the same for everyone (templates/base.html: links, menu, footer), kept in each
    # process's memory: they change only with the code (a restart) or with what they are keyed by.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gjj-fragments"},
}

# A person's pages are kept in the cache until a service changes what they show (gjj_portal/cache.py): only
# with a cache every process shares (Redis). A process-local cache would not hear of a change made by the
# worker or a management command, so without REDIS_CACHE_URL pages read the database every time.
GJJ_PERSON_CACHE = env.bool("GJJ_PERSON_CACHE", default=bool(env("REDIS_CACHE_URL", default="")))
# What a release's kept reads are filed under (the image's build id); empty: a fingerprint of the code on disk.
GJJ_RELEASE = env("GJJ_RELEASE", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Image captcha (django-simple-captcha). Test mode accepts the answer "PASSED" so automated
# browsers can log in; a system check warns when it is on while DEBUG is off.
CAPTCHA_TEST_MODE = env.bool("GJJ_CAPTCHA_TEST_MODE", default=False)
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5
CAPTCHA_IMAGE_SIZE = (110, 38)
CAPTCHA_FONT_SIZE = 28
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"

# SMS: the database/console backend (development, tests), or a provider by name — aliyun (Alibaba Cloud SMS),
# tencent (Tencent Cloud SMS) — or a dotted path to another adapter (accounts/sms_providers.py). A provider
# needs the center's access key and secret, its registered signature (签名) and the verification-code
# template's id (the template takes the code as its one parameter, `code`); Tencent also the SmsSdkAppId and
# region. GJJ_SMS_ENDPOINT overrides the provider's address (a private gateway; the tests' local fake).
GJJ_SMS_BACKEND = env("GJJ_SMS_BACKEND", default="accounts.sms.DatabaseSmsBackend")
GJJ_SMS_ACCESS_KEY_ID = env("GJJ_SMS_ACCESS_KEY_ID", default="")
GJJ_SMS_ACCESS_KEY_SECRET = env("GJJ_SMS_ACCESS_KEY_SECRET", default="")
GJJ_SMS_SIGN_NAME = env("GJJ_SMS_SIGN_NAME", default="")
GJJ_SMS_TEMPLATE = env("GJJ_SMS_TEMPLATE", default="")
GJJ_SMS_APP_ID = env("GJJ_SMS_APP_ID", default="")
GJJ_SMS_REGION = env("GJJ_SMS_REGION", default="ap-guangzhou")
GJJ_SMS_ENDPOINT = env("GJJ_SMS_ENDPOINT", default="")
# 短信状态报告 (accounts/sms_reports.py) are heard only from these addresses (the provider's callback ranges).
GJJ_SMS_REPORT_NETWORKS = env.list("GJJ_SMS_REPORT_NETWORKS", default=[])
# A transient failure (network, 5xx, the API's throttling) is tried again after each of these delays (s).
GJJ_SMS_RETRY_DELAYS = [float(d) for d in env.list("GJJ_SMS_RETRY_DELAYS", default=["0.3", "1.0"])]
# A staging system may run the development SMS backend with DEBUG off (codes masked in the log); a deployed
# web server or worker otherwise refuses to start on it (gjj_portal.checks.refuse_unsafe_start).
GJJ_SMS_STAGING = env.bool("GJJ_SMS_STAGING", default=False)

# The center policy profile in force (liaoning, ningbo, liuzhou, taiyuan).
GJJ_CENTER = env("GJJ_CENTER", default="liaoning")

# Celery. Without a broker the demo runs tasks eagerly; tests and production use Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="gjj")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Lost payout messages are found within a minute: a pending payout untouched for
    # GJJ_PAYOUT_PENDING_STALE_SECONDS is re-enqueued by this sweep (claiming stays exactly-once).
    "payout-sweep": {
        "task": "withdrawals.tasks.payout_sweep",
        "schedule": env.float("GJJ_PAYOUT_SWEEP_SECONDS", default=15.0),
    },
    # A posted list whose 到账 notices were lost on the way to the worker is noticed within minutes.
    "remittance-notify-sweep": {"task": "deposits.tasks.remittance_notify_sweep", "schedule": 120.0},
    # 年终结息 on June 30, after the day's business.
    "interest-settle-yearly": {
        "task": "deposits.tasks.interest_settle_yearly",
        "schedule": crontab(minute=30, hour=23, day_of_month=30, month_of_year=6),
    },
    # 委托提取: daily, so a missed day catches up; each instruction pays once a month from the policy's day.
    "standing-withdrawals": {
        "task": "withdrawals.tasks.standing_withdrawals_run",
        "schedule": crontab(minute=30, hour=6),
    },
    # 跨省通办: messages whose partner was down go out again once their back-off has passed.
    "crosscenter-outbox-sweep": {
        "task": "crosscenter.tasks.outbox_sweep",
        "schedule": env.float("GJJ_OUTBOX_SWEEP_SECONDS", default=30.0),
    },
    # Delivered messages' content (scans, 身份证号) is purged after the policy's days.
    "crosscenter-payloads-purge": {"task": "crosscenter.tasks.payloads_purge", "schedule": crontab(minute=15, hour=3)},
    "loans-prepayments-settle": {"task": "loans.tasks.prepayments_settle", "schedule": 60.0},
    # Beat's own heartbeat (hall.ops): /healthz/ and /metrics tell when it stops.
    "beat-heartbeat": {"task": "hall.tasks.heartbeat", "schedule": 30.0},
    "api-records-purge": {"task": "api.tasks.records_purge", "schedule": crontab(minute=45, hour=3)},
    "access-records-purge": {
        "task": "accounts.tasks.access_records_old_purge",
        "schedule": crontab(minute=50, hour=3),
    },
    # 贷款放款 whose message was lost or whose worker died is asked again (same key) within a minute.
    "loans-disburse-sweep": {
        "task": "loans.tasks.disbursements_settle",
        "schedule": env.float("GJJ_DISBURSE_SWEEP_SECONDS", default=15.0),
    },
    # 单位暂存款退款 released but not answered (a lost message, a dead worker): asked again with the same key.
    "deposits-refunds-settle": {
        "task": "deposits.tasks.refunds_settle",
        "schedule": env.float("GJJ_DISBURSE_SWEEP_SECONDS", default=15.0),
    },
    "loans-collect-daily": {"task": "loans.tasks.instalments_collect_daily", "schedule": crontab(minute=0, hour=6)},
    "loans-reprice-yearly": {
        "task": "loans.tasks.loans_reprice_yearly",
        "schedule": crontab(minute=0, hour=1, day_of_month=1, month_of_year=1),
    },
}

# Bank gateway: "sandbox" (development, tests), "batch" (daily transfer file and return file), or the
# dotted path of a real bank's adapter class.
GJJ_BANK_GATEWAY = env("GJJ_BANK_GATEWAY", default="sandbox")
GJJ_SANDBOX_BANK_FAILURE_RATE = env.float("GJJ_SANDBOX_BANK_FAILURE_RATE", default=0.0)
GJJ_SANDBOX_BANK_TIMEOUT_RATE = env.float("GJJ_SANDBOX_BANK_TIMEOUT_RATE", default=0.0)
GJJ_SANDBOX_BANK_DELAY = env.float("GJJ_SANDBOX_BANK_DELAY", default=0.0)
# Where export_payouts writes the day's transfer files for the batch-file gateway.
GJJ_BANK_FILE_DIR = env.path("GJJ_BANK_FILE_DIR", default=BASE_DIR / "bank_files")
# A payout's claim is a lease: the worker paying a batch renews it every GJJ_PAYOUT_LEASE_RENEW_SECONDS
# between bank calls; one not renewed for GJJ_PAYOUT_STALE_SECONDS (its worker died) is re-enqueued by the
# sweeper and asked again with the same key. A released one never claimed, after the time below. Either is
# retaken within stale + sweep (30 + 15 s) and paid within the minute (tests/withdrawals/test_worker.py).
GJJ_PAYOUT_STALE_SECONDS = env.int("GJJ_PAYOUT_STALE_SECONDS", default=30)
GJJ_PAYOUT_LEASE_RENEW_SECONDS = env.int("GJJ_PAYOUT_LEASE_RENEW_SECONDS", default=10)
GJJ_PAYOUT_PENDING_STALE_SECONDS = env.int("GJJ_PAYOUT_PENDING_STALE_SECONDS", default=30)
# Payouts per task when many leave at once (a bulk release, the sweep): claimed and recorded in one
# transaction each, the bank still asked once per payout with its own key.
GJJ_PAYOUT_BATCH = env.int("GJJ_PAYOUT_BATCH", default=100)
# The reverse proxies (addresses or CIDR) whose X-Forwarded-For is believed; gunicorn's forwarded_allow_ips
# is set from the same variable. Empty: every per-address limit counts REMOTE_ADDR.
GJJ_TRUSTED_PROXIES = env.list("GJJ_TRUSTED_PROXIES", default=[])
# A 贷款放款 claimed (or released) this long ago without an answer recorded is asked again with its key.
GJJ_DISBURSE_STALE_SECONDS = env.int("GJJ_DISBURSE_STALE_SECONDS", default=45)

# 跨省通办 (crosscenter): this center's Ed25519 signing key (Base64 of 32 bytes; `manage.py center_key
# --generate`), the CA bundle that signs partners' TLS certificates (empty: the system's), how long a
# message's timestamp stays acceptable, and the back-off of a partner that does not answer.
GJJ_CENTER_SIGNING_KEY = env("GJJ_CENTER_SIGNING_KEY", default="")
GJJ_PARTNER_CA_BUNDLE = env("GJJ_PARTNER_CA_BUNDLE", default="")
GJJ_MESSAGE_MAX_AGE = env.int("GJJ_MESSAGE_MAX_AGE", default=300)
GJJ_OUTBOX_BACKOFF_BASE = env.float("GJJ_OUTBOX_BACKOFF_BASE", default=2.0)
GJJ_OUTBOX_BACKOFF_MAX = env.float("GJJ_OUTBOX_BACKOFF_MAX", default=300.0)

ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")

# The app channel's API (api/, README: for an app team). Tokens only (no session cookie, so no CSRF to carry);
# JSON in and out; every refusal in one shape (api/errors.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "住房公积金网上服务大厅 · App 接口",
    "DESCRIPTION": "与网页相同的规则与业务。令牌、幂等提交与错误格式见 README 的“App 接口”一节。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_PUBLIC": True,
}

# Content-Security-Policy (django-csp): scripts, fonts and images only from the portal itself, no inline
# script anywhere (static/js/portal.js does what inline handlers did); admin's and our <style> blocks are
# allowed. The PDF preview on the reviewer's workbench is an <object> of the portal's own file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

# Sessions read from the Redis cache (every page reads one), written through to the database so a
# Redis restart logs nobody out.
if env("REDIS_CACHE_URL", default=""):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Operations (hall.ops): beat counts as stopped when its heartbeat (every 30 s) is older than this; /metrics
# answers staff, addresses on GJJ_METRICS_NETWORKS (the Prometheus server) or the bearer GJJ_METRICS_TOKEN.
# PROMETHEUS_MULTIPROC_DIR is set by gunicorn.conf.py (each worker's counters, added up at a scrape).
GJJ_BEAT_STALE_SECONDS = env.int("GJJ_BEAT_STALE_SECONDS", default=180)
GJJ_METRICS_NETWORKS = env.list("GJJ_METRICS_NETWORKS", default=["127.0.0.1/32", "::1/128"])
GJJ_METRICS_TOKEN = env("GJJ_METRICS_TOKEN", default="")
PROMETHEUS_MULTIPROC_DIR = env("PROMETHEUS_MULTIPROC_DIR", default="")

# Request ids (django-guid): the X-Request-ID a client or the proxy sends (a UUID; anything else is replaced),
# else a new one; answered in the same header, put on every log line as `request_id`, and carried into the
# Celery tasks the request enqueues (their lines carry it too, with the task's own id).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
# Logs: one JSON object a line (python-json-logger) for the center's log collector — time, level, logger,
# message, request_id, celery ids; GJJ_LOG_FORMAT=text for a developer's terminal (the default with DEBUG).
GJJ_LOG_FORMAT = env("GJJ_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "celery_ids": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(celery_current_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "celery_ids"],
            "formatter": GJJ_LOG_FORMAT if GJJ_LOG_FORMAT in ("json", "text") else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; lockouts still show at WARNING.
    # django-guid tells every id it sets and clears at INFO: the id is on every line already.
    # At DEBUG urllib3 logs each request's URL and Tencent's SDK each request's body: an SMS provider's request
    # carries the one-time code, so neither logs below WARNING whatever DJANGO_LOG_LEVEL says.
    "loggers": {
        "tencentcloud_sdk_common": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
