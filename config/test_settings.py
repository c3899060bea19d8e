"""Settings for the test suite: fast hashing, in-memory mail, evidence in a temporary folder."""

import os
import tempfile

os.environ.setdefault("DJANGO_TESTING", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="evidence-"))  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
