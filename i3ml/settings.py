"""Settings, read from the environment. Safe defaults: DEBUG off, SQLite under var/, tasks in-process."""

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# REQUIRE_SECRET_KEY marks a production deployment (docker-compose.yml sets it): there DEBUG can never be on.
PRODUCTION = env.bool("REQUIRE_SECRET_KEY", default=False)
if PRODUCTION and DEBUG:
    raise RuntimeError("DEBUG must be off in production (REQUIRE_SECRET_KEY is set)")
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and env.bool("REQUIRE_SECRET_KEY", default=False):
        raise RuntimeError("SECRET_KEY must be set in production")
    # A development key, only ever used when nothing is configured (make run, tests).
    SECRET_KEY = "dev-only-insecure-key-mijnschade"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address residents reach the site at: links in e-mails are built from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_fsm",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "claims",
    "casework",
    "api",
]

MIDDLEWARE = [
    "i3ml.middleware.HealthProbe",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "i3ml.middleware.DutchUnlessChosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "claims.twofactor.SecondFactorRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out login (django-axes) into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "i3ml.urls"
WSGI_APPLICATION = "i3ml.wsgi.application"

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
                "claims.context_processors.user_roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mijnschade.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif env.bool("POSTGRES_JIT_OFF", default=True):
    # Page queries are short; JIT compilation cost ~0.4 s per query on the team view at 250,000 claims.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 (memory-hard) for new passwords; a stored PBKDF2 hash still works and is rehashed at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files live outside the web root and are served only through views that check access.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "files"))
MEDIA_URL = "/_media-not-served/"  # nothing routes here; files go out only through access-checked views

# Login (issue 7): django-axes counts failed passwords per account and locks it after AXES_FAILURE_LIMIT; the
# lock lifts after the cool-off, or earlier when a coordinator unlocks it. The first backend only checks the lock.
AUTHENTICATION_BACKENDS = [
    "claims.backends.LockoutCheck",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.5)  # hours
# Per account, not per address: a municipality's desk or a care home shares one address among many residents, and
# five typing errors there must not lock them all out. Spraying from one address is limited at the proxy
# (deploy/README.md, limit_req on /inloggen/), so axes' warning about the missing address is silenced knowingly.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if env.bool("BEHIND_PROXY", default=False) else 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "code"]  # a mistyped backup code is not stored with the failed attempt
AXES_LOCKOUT_CALLABLE = "claims.lockout.lockout_response"  # our page (429), in the site's language
# Two factors (django-otp, TOTP): every staff account, and residents who chose it. The second step is part of
# logging in (claims/twofactor.py); a staff session without it reaches no page but the login steps.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Mijnschade I3ML")

LOGIN_URL = "claims:login"
LOGIN_REDIRECT_URL = "claims:home"
LOGOUT_REDIRECT_URL = "claims:home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and env.bool("HTTPS", default=False))
CSRF_COOKIE_HTTPONLY = True  # the pages send the token in the form; no script reads the cookie
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language choice is no secret, but it travels like the others: over TLS only, and no script reads it.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Behind TLS (HTTPS=true): redirect plain HTTP, and HSTS for a year. The load balancer's health probe may stay
# on plain HTTP. BEHIND_PROXY: the reverse proxy sets X-Forwarded-Proto (deploy/README.md).
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
# A public institution's site is served over TLS only, subdomains included; switch off per setting if not.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # Django's default, stated: no other site's window opens ours
# Content Security Policy (django-csp): our own scripts and style sheets only, nothing inline, no frames.
# Every page keeps to it (tests/e2e/test_content_security_policy.py scans every page of every role). Exceptions
# are per view, never here: the API docs may show data: images (Swagger UI's icons; api/urls.py), and stored
# documents get a stricter policy of their own (sandbox, default-src 'none'; claims/uploads.py). The Django
# admin needs none.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True

# Mail: console by default; production sets EMAIL_URL (smtp://...).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mijnschade I3ML <noreply@i3ml.nl>")

# Celery: without REDIS_URL tasks run in-process, so `make run` needs nothing but Python.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis however long it is away, never gives up
# Sending a task retries once (a stale connection after a Redis restart is replaced), not three times: with
# Redis down each try costs the request time, and what is not sent waits in the database for its sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# A broker that is down must not hang a request: fail fast, the outbox sweep sends it later.
# A Redis that does not answer at all (not just refuses) is given up after two seconds, too.
# visibility_timeout: a task whose worker was killed (no acknowledgement) is handed out again after this many
# seconds; sooner, the letter and outbox sweeps pick up its work. Longer than any countdown a task retries with.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                   "socket_connect_timeout": 2,
                                   "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULE = {
    "resend-pending-email": {"task": "claims.tasks.sweep_outbox", "schedule": 300.0},
    "render-stranded-letters": {"task": "claims.tasks.sweep_letters", "schedule": 300.0},
    "move-suspended-deadlines": {"task": "claims.tasks.refresh_suspended_deadlines",
                                 "schedule": crontab(hour=5, minute=30)},
    # After the suspended deadlines moved on (05:30): marks, each guide's digest, urgent alerts.
    "deadline-watch": {"task": "casework.tasks.deadline_watch", "schedule": crontab(hour=6, minute=0)},
    # 48 hours for a safety visit can lapse at any hour, so this part of the watch runs all day too.
    # Paid settlements close once the objection window has passed (paying must not end the right to object).
    "close-settled-claims": {"task": "casework.tasks_finance.close_settled_claims",
                             "schedule": crontab(hour=6, minute=30)},
    "urgent-safety-visits": {"task": "casework.tasks.check_urgent_safety_visits",
                             "schedule": crontab(minute="*/15")},
    # Claims still waiting for a guide (e.g. the broker was down when they were submitted).
    "assign-unassigned-claims": {"task": "casework.tasks.assign_unassigned", "schedule": 300.0},
    # Personal data of claims closed longer than MIJNSCHADE_RETENTION["years"] is removed (issue 7, item 4).
    "anonymise-expired-claims": {"task": "claims.tasks_retention.anonymise_expired_claims",
                                 "schedule": crontab(hour=3, minute=15)},
    # The dashboard's unfiltered figures are kept 10 minutes; counted ahead every 5, nobody waits for them.
    "recount-dashboard": {"task": "casework.tasks.recount_dashboard", "schedule": 300.0},
}
CELERY_TIMEZONE = TIME_ZONE
# Task modules that are not called tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ["claims.tasks_retention"]

# The REST API (issue 6): see api/. Tokens for systems, the session for people; one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerCallerThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend",
                                "rest_framework.filters.OrderingFilter"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser",
                               "rest_framework.parsers.FormParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    # \u escapes in JSON: an error message that echoes a lone surrogate a client sent stays valid JSON.
    "UNICODE_JSON": False,
    # Behind the reverse proxy: how many proxies' X-Forwarded-For entries to trust for a caller's address.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
MIJNSCHADE_API = {
    "token_rate": env.str("API_TOKEN_RATE", default="1200/min"),
    "user_rate": env.str("API_USER_RATE", default="600/min"),
    "anonymous_rate": env.str("API_ANONYMOUS_RATE", default="60/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mijnschade API",
    "DESCRIPTION": (
        "Claims for mining damage in South Limburg (I3ML). Everything a person can do in the pages, under the "
        "same rules. Authenticate with `Authorization: Bearer <key>` (a key from an administrator) or the "
        "pages' session. Errors have one shape (`Error`); messages are Dutch unless `Accept-Language: en`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # Three models have a `status`; each gets its own enum name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.states.State",
        "PaymentStatusEnum": "claims.models.payment.Payment.Status",
        "InspectionStatusEnum": "claims.models.inspection.Inspection.Status",
        "ClaimOutcomeEnum": "claims.models.Outcome",
        "DecisionOutcomeEnum": "api.serializers.decisions.OUTCOME_CHOICES",
        "ObjectionOutcomeEnum": "casework.models.Objection.Outcome",
        "DamageKindEnum": "claims.models.DamageKind",
        "DecisionKindEnum": "casework.models.Decision.Kind",
        "TransitionNameEnum": "claims.models.claim.TRANSITION_NAMES",
    },
    # Deep links make every operation a link inside a button (axe: nested-interactive, target-size).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

CACHES = {
    "default": (
        # Forgiving: with Redis down the pages do without the cache (i3ml/cache.py), and never wait long for it.
        {"BACKEND": "i3ml.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
         "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Amount rules of the Limburg regulation (issue 5), as settings: allowances the commission may add, and the
# size classes that decide the route (money up to 10,000; 10,000 to 20,000 middle; above: repair or bouwdepot).
MIJNSCHADE_AMOUNTS = {
    "inspection_allowance": Decimal(env.str("AMOUNT_INSPECTION_ALLOWANCE", default="150.00")),  # half a day off work
    "statutory_interest_rate": Decimal(env.str("AMOUNT_STATUTORY_INTEREST_RATE", default="0.06")),  # per year
    "money_up_to": Decimal(env.str("AMOUNT_MONEY_UP_TO", default="10000.00")),
    "middle_up_to": Decimal(env.str("AMOUNT_MIDDLE_UP_TO", default="20000.00")),
}
# The institute's own account for SEPA files (pain.001); a placeholder IBAN outside production.
I3ML_DEBTOR = {
    "name": env.str("I3ML_DEBTOR_NAME", default="Instituut voor Milieu, Mens en Mijnbouw Limburg"),
    "iban": env.str("I3ML_DEBTOR_IBAN", default="NL91ABNA0417164300"),
    "bic": env.str("I3ML_DEBTOR_BIC", default="ABNANL2A"),
}

# Retention (AVG): claims closed longer than this are anonymised, figures kept (claims/services/retention.py).
# `batch`: claims read per query; each claim is its own short transaction.
MIJNSCHADE_RETENTION = {
    "years": env.int("RETENTION_YEARS", default=7),
    "batch": env.int("RETENTION_BATCH", default=100),
}

# Awb terms (days and weeks), as settings so a policy change is configuration, not code.
MIJNSCHADE_TERMS = {
    "decision_weeks": env.int("TERM_DECISION_WEEKS", default=8),  # Awb 4:13
    "extension_weeks": env.int("TERM_EXTENSION_WEEKS", default=8),  # Awb 4:14, once
    "info_reply_days": env.int("TERM_INFO_REPLY_DAYS", default=28),  # Awb 4:15
    "response_days": env.int("TERM_RESPONSE_DAYS", default=14),  # zienswijze
    "expert_objection_days": env.int("TERM_EXPERT_OBJECTION_DAYS", default=14),  # bezwaar tegen deskundige
    "objection_weeks": env.int("TERM_OBJECTION_WEEKS", default=6),  # Awb 6:7
    "objection_decision_weeks": env.int("TERM_OBJECTION_DECISION_WEEKS", default=12),  # Awb 7:10
    "urgent_visit_hours": env.int("TERM_URGENT_VISIT_HOURS", default=48),
}
