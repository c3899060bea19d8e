"""Settings for the test suite: fast hashing, in-memory mail, evidence in a temporary folder."""

import os
import tempfile

os.environ.setdefault("DJANGO_TESTING", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="evidence-"))  # noqa: F405
DOSSIER_ROOT = Path(tempfile.mkdtemp(prefix="dossiers-"))  # noqa: F405
FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="uploads-")
# Background jobs run at once, in the test's own thread and transaction.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: threads in the concurrency test and the
    # browser tests' server then lock and wait as they do in real use.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="testdb-")) / "test.sqlite3")  # noqa: F405
    }
AXES_VERBOSE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": {"axes": {"level": "ERROR"}}}
