"""Jourplan settings: one module, every deployment difference read from the environment.

See `.env.example` for each variable. The embedded default (no variables set) is SQLite and a
filesystem Celery broker under `var/`, with mail written to `var/mail/`.
"""

from pathlib import Path

import django_stubs_ext
import environ
from django.utils.translation import gettext_lazy as _

# Django's generic classes subscriptable at run time, as the type checker reads them (ModelAdmin[User]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-0123456789")
else:
    SECRET_KEY = env("SECRET_KEY")
# Rotating the key (docs/operations.md): the old key here, comma-separated, keeps sessions and reset and
# invitation links made with it valid until they expire; nothing new is signed with it.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form (usually left open too long) gets a page in her language that needs no database.
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"
# Absolute address used in e-mails sent by the worker (no request there to build it from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
    "phonenumber_field",
    "import_export",
    "auditlog",
    # Dependencies point one way: shifts → trainings → members → notices → core.
    "core",
    "notices",
    "members",
    "trainings",
    "shifts",
    "announcements",  # above shifts: it reads lines and qualifications; nothing imports it
    "timelog",  # above members: volunteer time besides shifts (issue 20); reports read it
    "reports",  # the top: reports and the federation's shared figures (issue 20); nothing imports it
    "memberpath",  # above shifts: the path as a board (issue 19); nothing imports it
]

# What a lower app reads from the apps above it (CONVENTIONS: dotted paths in one list, never an import side
# effect). Each is imported on first use.
# Every kind of notice (notices.kinds.NoticeKind): beat's scan asks each to plan, sending asks it to render.
NOTICE_KINDS = (
    "members.notices.Invitation",
    "members.notices.MembershipInvitation",
    "members.notices.PledgeNewVersion",
    "members.notices.FeeReminder",
    "members.notices.ErasureRequested",
    "trainings.notices.TrainingExpiring",
    "trainings.notices.TrainingDigest",
    "shifts.notices.ShiftReminder",
    "shifts.notices.UnderstaffedAlert",
    "shifts.notices.ShiftAtRisk",
    "shifts.notices.WaitingListPromoted",
    "shifts.notices.ShiftCancelled",
    "shifts.notices.ShiftChanged",
    "shifts.notices.SwapTaken",
    "shifts.notices.AssignmentsPublished",
    "shifts.notices.CallOutAsked",
    "shifts.notices.CallOutFilled",
    "announcements.notices.AnnouncementSent",
    "members.notices.InterestReceived",
    "members.notices.InterestReceipt",
)
# The public interest form (members/interest.py): the kinds of work it offers from apps above members,
# callable(organisation) -> [(code, label)]; and its spam guards.
INTEREST_KIND_SOURCES = ("shifts.interest.line_kinds",)
INTEREST_MIN_SECONDS = env.int("INTEREST_MIN_SECONDS", default=3)  # sent faster than this: a script
INTEREST_PER_SHELTER_PER_DAY = env.int("INTEREST_PER_SHELTER_PER_DAY", default=50)  # sign-ups stored
INTEREST_NOTICES_PER_DAY = env.int("INTEREST_NOTICES_PER_DAY", default=20)  # of them told to the coordinators
# A member's GDPR export: callable(member) -> list | dict, one section each, named after its app.
GDPR_EXPORT_SECTIONS = (
    "trainings.gdpr.export_trainings",
    "shifts.gdpr.export_shifts",
    "shifts.gdpr.export_availability",
    "shifts.gdpr.export_callouts",
    "shifts.gdpr.export_prior_shifts",
    "shifts.gdpr.export_national_lines",
    "announcements.gdpr.export_announcements",
    "memberpath.gdpr.export_path",
    "timelog.gdpr.export_timelog",
)
# The export's stored codes in words: dicts {key: {code: label}} (members' own are in members.export_labels).
GDPR_EXPORT_VALUE_LABELS = (
    "trainings.gdpr.EXPORT_VALUE_LABELS",
    "shifts.gdpr.EXPORT_VALUE_LABELS",
    "notices.gdpr.EXPORT_VALUE_LABELS",
    "timelog.gdpr.EXPORT_VALUE_LABELS",
)
# Called as hook(member) inside members.gdpr.member_erase, before her personal data is removed.
GDPR_ERASE_HOOKS = (
    "shifts.gdpr.erase_shift_data",
    "announcements.gdpr.erase_announcement_data",
    "memberpath.gdpr.erase_path_data",
    "timelog.gdpr.erase_time_entries",
)
# Called as hook(member, now) inside members.services.member_leave_self (she leaves by herself, issue 19).
MEMBER_LEAVE_HOOKS = ("shifts.services.member_left_release_shifts",)
# fn(organisation) -> [(key, label, Requirements), …] for the trainings pages (trainings.qualification).
QUALIFICATION_REQUIREMENT_SOURCES = ("shifts.requirements.line_requirement_choices",)
# Models with a `member` foreign key whose audit entries show on the admins' audit trail (members.audit).
AUDIT_MEMBER_ROWS = (
    "trainings.models.TrainingRecord",
    "shifts.models.PriorShifts",
    "shifts.models.NationalVolunteer",
    "memberpath.models.PathProgress",
    "timelog.models.TimeEntry",
)
# Rows that belong to a shelter (an organisation FK), shown on the same page besides members.audit.SHELTER_ROWS.
AUDIT_SHELTER_ROWS = ("memberpath.models.PathStep", "timelog.models.TimeKind", "reports.models.FigureShare")
# Words for other apps' export codes on the audit trail: dotted paths of dicts, code → label.
AUDIT_EXPORT_LABELS = ("reports.audit.EXPORT_LABELS",)
# Columns other apps add to the member import: objects described in members.imports.member_import_extensions.
MEMBER_IMPORT_EXTENSIONS = ("shifts.experience.PRIOR_SHIFTS_IMPORT",)
# The coordinator's start page: fn(organisation, member, now) -> members.panels.StartPagePanel | None (None: her
# role may not see it), in this order.
START_PAGE_PANELS = (
    "shifts.panels.gaps_this_week",
    "shifts.panels.open_call_outs",
    "shifts.panels.unpublished_changes",
    "trainings.panels.expiring_records",
    "trainings.panels.behind_expectations",
    "members.panels.failed_notices",
    "memberpath.panels.path_waiting",  # members.panels.onboarding_waiting, linking to the path board
    "timelog.panels.entries_waiting",
)

# The member page (members.panels.member_page_panels): fn(organisation, viewer, member, now) -> StartPagePanel | None.
MEMBER_PAGE_PANELS = ("trainings.panels.member_meetings",)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body (CSRF reads the form); after Locale, so its 413 page is in her language.
    "core.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "members.middleware.SecondFactorRequiredMiddleware",
    "members.sessions.SessionAgeByRoleMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "members.context_processors.organisation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jourplan.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASE_POOL := env.int("DATABASE_POOL", default=0):
    # psycopg's pool in each process (Django 5.1+): at most DATABASE_POOL connections, shared by the process's
    # threads; Django returns a connection to the pool after each request, so it cannot be persistent as well.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DATABASE_POOL}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails a connection attempt after this many seconds (libpq: >= 2).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Backups (core/backup.py: `manage.py backup`, `manage.py restore`) ---------------------------
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# How many backups `manage.py backup` keeps; older ones are deleted after a new one is written.
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
# age public keys (age1…) every backup is encrypted to; `backup` refuses to run without one. The private key
# (identity) is never a setting: only `restore` needs it, from --identity FILE or its own environment.
BACKUP_RECIPIENTS = env.list("BACKUP_RECIPIENTS", default=[])
# Append-only record of erasures (ids and moments only), re-applied after a restore (members/erasure_journal.py).
# Keep it on other storage than the database and the backups: a restore must not take it back in time.
ERASURE_JOURNAL = Path(env("ERASURE_JOURNAL", default=str(VAR_DIR / "erasure-journal.jsonl")))
# Called as hook(taken_at) -> [report lines] after a restore and its migrations, in this order.
RESTORE_HOOKS = ("members.erasure_journal.reapply_after_restore",)

# --- Cache (allauth rate limits and, in production, sessions) -----------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://jourplan")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis outage is a cache miss, not a server error (core/cache.py).
    CACHES["default"]["BACKEND"] = "core.cache.TolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=1)
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Coordinators and admins (their session opens the register) are logged out sooner (members/sessions.py).
COORDINATOR_SESSION_AGE = env.int("COORDINATOR_SESSION_AGE", default=60 * 60 * 2)
# A signed-in session's expiry is pushed forward by a request at most once a minute (members/sessions.py), not by
# saving the session on every request.
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per login, changed by its owner only, and only once she has confirmed the new one.
ACCOUNT_CHANGE_EMAIL = True
# Someone holding her open session (a stolen phone) must know her password to change her address or password,
# and the old address is told when either changes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-up is closed: a reset asked for an unknown address sends nothing (not an offer to sign up), and the
# page reads the same as for a known address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # Calendar feeds (shifts/feed_views.py): guessing is hopeless (256-bit tokens), and this keeps it so.
    "calendar_feed": "120/m/ip,30/m/key",
    # The public interest form (members/interest.py): at most 5 sign-ups a day from one address.
    "interest_form": "5/d/ip",
}
# Behind a reverse proxy, how many proxies (each appending to X-Forwarded-For) stand in front of the app: the
# per-IP limits then count the address that many entries from the right. 0 (the default): the peer address,
# and X-Forwarded-For is ignored. The leftmost entry is the client's own say and is never trusted; set this
# only when the app cannot be reached except through those proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Invitation links use allauth's password-reset token; this is how long they stay valid (seconds).
PASSWORD_RESET_TIMEOUT = env.int("INVITATION_TIMEOUT", default=60 * 60 * 24 * 7)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Security keys/passkeys need a secure origin; plain http is allowed only for local development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Jourplan"
# A TOTP code opens the door once, kept in the database, not only in the cache (core/totp.py).
MFA_FORMS = {"authenticate": "core.totp.AuthenticateForm", "reauthenticate": "core.totp.ReauthenticateForm"}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "SE"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))  # where collectstatic writes
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Jourplan <noreply@jourplan.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Embedded default: every mail is a file under var/mail/ that a person can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    # The same backend, telling a message the server never confirmed (in doubt) from one it never took.
    EMAIL_BACKEND = "notices.channels.SmtpEmailBackend"
# Every wait on the mail server (connect, greeting, each command) gives up after this many seconds: a server
# that accepts the connection and never answers cannot hold a worker; the notice is retried later.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
# SMS: a dotted path to a class with send(to, text, *, sender, report_url), built with timeout=SMS_TIMEOUT:
# "notices.channels.LoggingSmsBackend" (the default) only logs; "notices.sms.ElksSmsBackend" sends through 46elks
# with the ELKS_API_* credentials (`manage.py check` fails without them). See docs/notices.md.
SMS_BACKEND = env("SMS_BACKEND", default="notices.channels.LoggingSmsBackend")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
# Web push (notices/push.py): the VAPID key pair push notices are signed with (`manage.py vapid_keys` prints one).
# Unset: made once in var/vapid.json when DEBUG is on; push is off in production (`manage.py check` warns).
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")  # optional: checked against the private key
VAPID_SUBJECT = env("VAPID_SUBJECT", default="")  # mailto:… or https://…; unset: DEFAULT_FROM_EMAIL's address
PUSH_TIMEOUT = env.float("PUSH_TIMEOUT", default=10.0)
# The push services a browser's subscription may name (a host or its subdomains): the worker posts nowhere else.
PUSH_SERVICE_HOSTS = env.list(
    "PUSH_SERVICE_HOSTS",
    default=[
        "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera, Brave
        "android.googleapis.com",
        "push.services.mozilla.com",  # Firefox
        "push.apple.com",  # Safari (macOS, iOS/iPadOS 16.4+ home-screen apps)
        "notify.windows.com",  # Edge on Windows
    ],
)
ELKS_API_URL = env("ELKS_API_URL", default="https://api.46elks.com").rstrip("/")
ELKS_API_USERNAME = env("ELKS_API_USERNAME", default="")
ELKS_API_PASSWORD = env("ELKS_API_PASSWORD", default="")

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # Redis: a connection attempt gives up after 5 s, a reply after 30 s (well above the worker's 1 s BRPOP).
    else {"visibility_timeout": 3600, "socket_connect_timeout": 5, "socket_timeout": 30}
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat only triggers short scans: the database says what is due (no ETAs, no countdowns).
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "notices.tasks.beat_heartbeat", "schedule": 30.0},
    "dispatch-notices": {"task": "notices.tasks.dispatch_due_notices", "schedule": 30.0},
    "anonymise-departed-members": {"task": "members.tasks.anonymise_departed_members", "schedule": 24 * 60 * 60.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Security -----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The installable portal (core/pwa.py): its service worker and manifest, named rather than left to fallbacks.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Audit trail --------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Feed tokens and reset/invitation keys are redacted from every line (core.log_redaction).
    "filters": {"redact_secrets": {"()": "core.log_redaction.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # On the loggers too, so every handler behind them (mail_admins, a test's capture) gets the clean line.
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False, "filters": ["redact_secrets"]},
    },
}
