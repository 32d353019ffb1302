"""One settings module, configured by environment variables (a local `.env` is honoured)."""

import os
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
load_dotenv(PROJECT_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


VAR_DIR = Path(env("JICENG_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("JICENG_DEBUG")
# The development key only works with DEBUG or under tests; production refuses to start without one.
SECRET_KEY = env("JICENG_SECRET_KEY") or ("insecure-dev-key" if DEBUG or env("PYTEST_VERSION") else "")
if not SECRET_KEY:
    raise RuntimeError("JICENG_SECRET_KEY is not set (运行 `make run` 会生成 .env)")
# Fernet key for field encryption of ID and phone numbers; the HMAC lookup key is derived from it.
FIELD_KEY = env("JICENG_FIELD_KEY") or ("x" * 43 + "=" if DEBUG or env("PYTEST_VERSION") else "")
if not FIELD_KEY:
    raise RuntimeError("JICENG_FIELD_KEY is not set (运行 `make run` 会生成 .env)")

ALLOWED_HOSTS = [h for h in env("JICENG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("JICENG_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "jiceng.common",
    "jiceng.accounts",
    "jiceng.audit",
    "jiceng.territory",
    "jiceng.people",
    "jiceng.party",
    "jiceng.notifications",
    "jiceng.units",
    "jiceng.meetings",
    "jiceng.training",
    "jiceng.development",
    "jiceng.dues",
    "jiceng.transfers",
    "jiceng.birthdays",
    "jiceng.workdays",
    "jiceng.appeals",
    "jiceng.open311",
    "jiceng.rosters",
    "jiceng.dashboard",
    "jiceng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiceng.common.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiceng.accounts.middleware.LoginPolicyMiddleware",
]

ROOT_URLCONF = "jiceng.urls"
WSGI_APPLICATION = "jiceng.wsgi.application"

TEMPLATES = [
    {
        # Jinja2 for our pages: a full-layout 50-row page measured ~36-47 % of the bare-view
        # ceiling against ~20-26 % for Django templates on this machine class (DESIGN.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "jiceng.jinja.environment",
            "autoescape": True,
            "context_processors": ["jiceng.jinja.csrf_once"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiceng.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["jiceng.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login policy after 等保2.0 level 3 (GB/T 22239-2019); every figure is configurable.
PASSWORD_MIN_LENGTH = env_int("JICENG_PASSWORD_MIN_LENGTH", 8)
PASSWORD_MIN_CLASSES = env_int("JICENG_PASSWORD_MIN_CLASSES", 4)
PASSWORD_MAX_AGE_DAYS = env_int("JICENG_PASSWORD_MAX_AGE_DAYS", 90)
LOGIN_MAX_FAILURES = env_int("JICENG_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("JICENG_LOGIN_LOCKOUT_MINUTES", 30)
SESSION_IDLE_MINUTES = env_int("JICENG_SESSION_IDLE_MINUTES", 30)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "jiceng.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# An idle session ends after SESSION_IDLE_MINUTES: LoginPolicyMiddleware renews an active one.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("JICENG_SECURE_COOKIES", not DEBUG and not env("PYTEST_VERSION"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "jiceng.common.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
elif env("PYTEST_VERSION"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared by the web workers and the job worker on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# Street and district dashboards are counted by the worker every DASHBOARD_REFRESH_MINUTES and
# kept this long (a miss counts on the spot).
DASHBOARD_REFRESH_MINUTES = env_int("JICENG_DASHBOARD_REFRESH_MINUTES", 5)
DASHBOARD_CACHE_SECONDS = env_int("JICENG_DASHBOARD_CACHE_SECONDS", 3 * DASHBOARD_REFRESH_MINUTES * 60)

# The appeal measures and hot issues of an area and month are counted at most this often.
APPEAL_FIGURES_CACHE_SECONDS = env_int("JICENG_APPEAL_FIGURES_CACHE_SECONDS", 300)

# Background jobs: huey on SQLite by default, Redis in production; tests run tasks inline.
HUEY = {
    "name": "jiceng",
    "immediate": env_bool("JICENG_HUEY_IMMEDIATE", bool(env("PYTEST_VERSION"))),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# Imports of more rows than this run in the worker with a progress bar.
IMPORT_INLINE_MAX_ROWS = env_int("JICENG_IMPORT_INLINE_MAX_ROWS", 2000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("JICENG_LOG_LEVEL", "WARNING")},
}

if not DEBUG and not env("PYTEST_VERSION"):
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_HSTS_SECONDS = env_int("JICENG_HSTS_SECONDS", 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JICENG_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("JICENG_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = env_bool("JICENG_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if env("PYTEST_VERSION"):
    # Tests create many users: a fast hash keeps the suite quick (never used outside tests).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Notifications: always in the platform; also by e-mail and SMS to users who have an address or
# a phone on record, through these backends (console ones print instead of sending).
# Maps: tiles only from a server the deployment names (an intranet or 天地图 tile URL template,
# e.g. "https://tiles.example.gov.cn/{z}/{x}/{y}.png"); without one, maps draw the grid outlines.
MAP_TILES = env("JICENG_MAP_TILES")
MAP_ATTRIBUTION = env("JICENG_MAP_ATTRIBUTION")
MAP_CENTRE = env("JICENG_MAP_CENTRE", "36.8000,118.0500")  # "lat,lng" when no outline is drawn

NOTIFY_CHANNELS = [c.strip() for c in env("JICENG_NOTIFY_CHANNELS", "email,sms").split(",") if c.strip()]
EMAIL_BACKEND = env("JICENG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("JICENG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("JICENG_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("JICENG_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("JICENG_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("JICENG_EMAIL_TLS")
DEFAULT_FROM_EMAIL = env("JICENG_EMAIL_FROM", "jiceng@localhost")
SMS_BACKEND = env("JICENG_SMS_BACKEND", "jiceng.notifications.channels.ConsoleSmsBackend")
