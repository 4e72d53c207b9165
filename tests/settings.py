"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE): production settings plus the test-only changes.

config/settings.py never looks for pytest; everything a test run needs differently is here. A test that starts
`manage.py` or a worker in a subprocess passes DJANGO_SETTINGS_MODULE (and anything else it needs) itself.
"""

import os
import tempfile
from pathlib import Path

# Production settings insist on a real key unless DEBUG; a test run (CI has no .env) needs none.
os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-never-use-in-production-0123456789")

from config.settings import *  # noqa: E402, F403
from config.settings import env  # noqa: E402

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Fast factories: hashing a password with MD5 costs nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Plain static files: no collectstatic manifest needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run inside the test (eager) on an in-memory broker, unless a test's environment says otherwise
# (the worker test starts a real worker on Redis).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
if "CELERY_BROKER_URL" not in env:
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Plain http on the test client and the browser tests' live server: none of production's https settings.
SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Erasures in the suite are journaled (members/erasure_journal.py) to a file of this test process, not var/;
# the backup drill points it at its own file.
ERASURE_JOURNAL = Path(tempfile.gettempdir()) / f"jourplan-test-erasure-journal-{os.getpid()}.jsonl"
BACKUP_DIR = Path(tempfile.gettempdir()) / f"jourplan-test-backups-{os.getpid()}"
