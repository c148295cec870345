"""Settings shared by every environment. Environment-specific files import from here."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from strom.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("STROM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "strom.core",
    "strom.accounts",
    "strom.directory",
    "strom.pathways",
    "strom.cases",
    # The top floor: the home page, navigation and audit trail, composed from what every app
    # contributes (strom/<app>/contributions.py, collected by strom.core.registry).
    "strom.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "strom.core.middleware.RequestIdMiddleware",
    "strom.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "strom.accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # request.access: the Access snapshot that views pass to queries (computed on first use).
    "strom.accounts.middleware.AccessMiddleware",
    "strom.accounts.middleware.RequireSecondFactorMiddleware",
    # Pages open without sign-in: a limit per client address (429 with Retry-After above it).
    "strom.core.ratelimit.PublicPageRateLimitMiddleware",
    # 413 for an oversized body, 400 for control characters in the address, query or JSON body.
    "strom.core.middleware.InputLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "strom.urls"
WSGI_APPLICATION = "strom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "strom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "strom.site.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# The embedded default is a SQLite file under var/ in WAL mode; PostgreSQL comes in through
# DATABASE_URL. SQLite transactions start IMMEDIATE so that read-then-write sequences (the audit
# chain) never fail half-way with "database is locked".
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'strom.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in (security.md 1-5) ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "strom.accounts.backends.ActiveUserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "strom.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn: refuses repeats, sequences, keyboard rows and the person's own names (score 0-4).
    {"NAME": "strom.accounts.validators.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "strom_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
STROM_SESSION_IDLE_MINUTES = env_int("STROM_SESSION_IDLE_MINUTES", 30)
STROM_SESSION_ABSOLUTE_HOURS = env_int("STROM_SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = STROM_SESSION_ABSOLUTE_HOURS * 60 * 60
CSRF_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = env_str("STROM_OTP_ISSUER", "Strom")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
STROM_BACKUP_CODE_COUNT = 10

# Lockout per username: five failures lock for 15 minutes, each further failure doubles it.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = "strom.accounts.lockout.cool_off"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "strom.accounts.lockout.locked_out_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["password", "username"]

STROM_INVITATION_DAYS = env_int("STROM_INVITATION_DAYS", 7)
STROM_API_TOKEN_MAX_DAYS = env_int("STROM_API_TOKEN_MAX_DAYS", 365)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("et", _("Estonian")),
    ("lv", _("Latvian")),
    ("lt", _("Lithuanian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "strom" / "locale"]
LANGUAGE_COOKIE_NAME = "strom_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Riga")
USE_I18N = True
USE_TZ = True

# --- Static files: vendored, served by WhiteNoise, never from a CDN -----------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "strom" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers (security.md 14) --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STROM_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
STROM_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Map of the service directory ---------------------------------------------------------------
# Every tile request tells the tile server which area a member is looking at, so there is no tile
# server unless the operator names one: the markers are then drawn on the offline base layer (the Baltic
# Sea region's countries and coastline, a static file of the app), which tiles cover. The value is
# a Leaflet URL template such as https://tiles.example.org/{z}/{x}/{y}.png ({s} may open the host
# name); SecurityHeadersMiddleware adds its origin, and only that, to the CSP's img-src.
STROM_MAP_TILE_URL = env_str("STROM_MAP_TILE_URL", "")
# The tile server's required credit, shown on the map as Leaflet shows it (HTML is allowed).
STROM_MAP_ATTRIBUTION = env_str("STROM_MAP_ATTRIBUTION", "")

# --- Field encryption (security.md 12): keys live outside the database -----------------------
STROM_FIELD_KEYS = env_str("STROM_FIELD_KEYS")
# Blind indexes (strom/core/blind_index.py) hash with their own key: not a field key, not SECRET_KEY.
STROM_BLIND_INDEX_KEY = env_str("STROM_BLIND_INDEX_KEY")

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # a hanging mail server must not hold a worker thread
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Strom <no-reply@localhost>")
# The address links in e-mails, posters and QR codes point at. Without STROM_BASE_URL it is the local
# development server on STROM_PORT, which `make run PORT=...` (scripts/run-dev.sh) passes to both the
# web process and the background worker, so that links open where the server really answers.
STROM_PORT = env_int("STROM_PORT", 8000)
STROM_BASE_URL = env_str("STROM_BASE_URL", f"http://127.0.0.1:{STROM_PORT}")
# strom.core.outbox.OutboxBackend (the development default) writes each e-mail here instead of sending it.
STROM_OUTBOX_DIR = Path(env_str("STROM_OUTBOX_DIR", str(VAR_DIR / "outbox")))

# --- Background work (docs/adr/0004-background-work.md) ----------------------------------------
# Huey keeps its queue in a SQLite file on the embedded default and in Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "strom", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "strom",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": 2, "worker_type": "thread", "periodic": True}

# --- Cache: counters every process must share (rate limits, unusual reading) --------------------
# Redis when REDIS_URL is set; otherwise a table in the database, made by `manage.py
# createcachetable` (run by `make migrate`; an operator runs it after `migrate`). Never the
# per-process memory cache: each gunicorn worker would count on its own.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "strom",
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "strom_cache"}
    }

# --- Rate limits per class of endpoint (security.md 26, strom/core/ratelimit.py) ----------------
# "count/period" as django-ratelimit reads it (s, m, h, d; "30/15m" is 30 per 15 minutes), each
# overridable with STROM_RATE_LIMIT_<CLASS>. Sign-in and second-factor classes count failed tries
# only, so a room of 50 people behind one address can all sign in; per username, django-axes locks.
# The client address is REMOTE_ADDR unless STROM_TRUSTED_PROXY_COUNT reverse proxies add
# X-Forwarded-For in front of Strom (1 behind the nginx of docs/deployment.md).
STROM_RATE_LIMITS = {
    name: env_str(f"STROM_RATE_LIMIT_{name.upper()}", default)
    for name, default in {
        "sign_in_ip": "30/15m",  # failed sign-ins from one address: stops password spraying
        "two_factor_ip": "30/15m",  # failed second-factor codes from one address
        "two_factor_user": "10/15m",  # failed second-factor codes of one person
        "api_token": "600/1m",  # API calls with one token, 10 a second on average
        "public_ip": "1200/5m",  # pages open without sign-in, from one address (a workshop room)
        "invitation_email": "5/1d",  # invitations sent to one e-mail address
        "password_reset_email": "3/1h",  # password-reset requests for one e-mail address
        "search_user": "300/5m",  # directory searches and matching, per person
        "export_user": "30/10m",  # HSDS and gap exports, per person
    }.items()
}
STROM_TRUSTED_PROXY_COUNT = env_int("STROM_TRUSTED_PROXY_COUNT", 0)

# --- Logging: no personal data, ever (security.md 22) ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "strom.core.logging.RequestIdFilter"},
        # Secrets in link paths, query strings and e-mail addresses never reach a log line.
        "redact": {"()": "strom.core.logging.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the full path of 4xx requests; paths never hold personal data here, but
        # request bodies must never reach a log, so the request logger stays at WARNING.
        "django.request": {"level": "ERROR", "filters": ["redact"]},
        # The development server's request lines ("GET /path HTTP/1.1" 200), redacted at the source.
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
        "axes": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Uploaded documents (security.md 25) --------------------------------------------------------
# Signed agreements and other uploads live outside the web root and are served only through views
# that check who is asking; there is no MEDIA_URL on purpose.
STROM_PRIVATE_FILES_DIR = Path(env_str("STROM_PRIVATE_FILES_DIR", str(VAR_DIR / "private")))
STROM_MAX_UPLOAD_MB = env_int("STROM_MAX_UPLOAD_MB", 10)
# Form fields and JSON bodies together (uploaded files are not counted): Django's 2.5 MB, stated here
# because strom.core.middleware.InputLimitsMiddleware answers 413 above it. The longest text field
# holds 5,000 characters, so no honest form comes near it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Reminders before a cooperation agreement expires, in days.
STROM_AGREEMENT_REMINDER_DAYS = (60, 14)

# --- Unusual reading (security.md 22) -----------------------------------------------------------
# Reads of sensitive records (confidential addresses, signed agreements, later cases) per account and
# kind within a sliding window; reaching the threshold of the reader's role (the highest of their
# roles) alerts the municipality's coordinators once per window. Counted in the shared cache.
STROM_UNUSUAL_READING = {
    "window_minutes": env_int("STROM_UNUSUAL_READING_WINDOW_MINUTES", 15),
    "thresholds": {
        "coordinator": env_int("STROM_UNUSUAL_READING_COORDINATOR", 40),
        "caseworker": env_int("STROM_UNUSUAL_READING_CASEWORKER", 20),
        "service_provider": env_int("STROM_UNUSUAL_READING_SERVICE_PROVIDER", 20),
        "default": env_int("STROM_UNUSUAL_READING_DEFAULT", 10),
    },
}

STROM_DEMO_ENABLED = False
# Where the quick-exit button of the public help page goes: a harmless, common page.
STROM_QUICK_EXIT_URL = env_str("STROM_QUICK_EXIT_URL", "https://www.google.com/search?q=weather")
STROM_AUDIT_PAGE_SIZE = 50
# The audit chain's head is signed with this key, which is not SECRET_KEY, so that someone who can
# write to the database cannot forge a checkpoint (docs/adr/0006-audit-trail.md). Each checkpoint is
# also appended as a JSON line to STROM_AUDIT_CHECKPOINT_FILE, when set, for an off-host copy.
STROM_AUDIT_CHECKPOINT_KEY = env_str("STROM_AUDIT_CHECKPOINT_KEY")
STROM_AUDIT_CHECKPOINT_FILE = env_str("STROM_AUDIT_CHECKPOINT_FILE", "")
STROM_BACKUP_DIR = Path(env_str("STROM_BACKUP_DIR", str(VAR_DIR / "backups")))

# axes.W006 asks to lock by IP address too. Strom locks per username (security.md 2) on purpose:
# an office behind one address must not be locked out by one person's typing, and a username
# lockout cannot be bypassed by changing address, user agent or cookies.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
FORMAT_MODULE_PATH = ["strom.formats"]
