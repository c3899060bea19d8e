"""An S3-compatible server on 127.0.0.1 for the tests: moto's standalone server, started once
per test process, and a fixture pointing the app's file storages at a fresh bucket of it.

Skipped (with the reason) only where moto is not installed; CI installs it
(requirements-dev.txt), so there these tests always run.
"""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from config.storage_url import s3_options

KEY = "test-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto(port: int) -> subprocess.Popen:
    """moto_server on 127.0.0.1:`port`, answering (up in about a second), in memory."""
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    command = [executable] if executable else [sys.executable, "-m", "moto.server"]
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [*command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("moto_server exited at start") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto_server did not answer within 30 s")


@pytest.fixture(scope="session")
def moto_endpoint():
    pytest.importorskip("moto.server", reason="moto[server] is not installed (requirements-dev)")
    port = free_port()
    process = start_moto(port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def storage_url(endpoint: str, bucket: str) -> str:
    return f"s3://{bucket}?endpoint_url={endpoint}&region=us-east-1&addressing_style=path"


def s3_storages(endpoint: str, bucket: str) -> dict:
    """The STORAGES entries config/settings.py makes from a STORAGE_URL."""
    options = s3_options(storage_url(endpoint, bucket)) | {"access_key": KEY, "secret_key": KEY}
    return {
        kind: {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options | {"location": kind}}
        for kind in ("evidence", "dossiers")
    }


def create_bucket(endpoint: str, bucket: str) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=KEY,
    )
    client.create_bucket(Bucket=bucket)


@pytest.fixture
def object_storage(settings, moto_endpoint):
    """The evidence and dossier storages in a new, empty bucket of the moto server."""
    bucket = f"test-{uuid.uuid4().hex[:20]}"
    create_bucket(moto_endpoint, bucket)
    settings.STORAGES = {**settings.STORAGES, **s3_storages(moto_endpoint, bucket)}
    return bucket


@pytest.fixture(params=["local", "s3"])
def file_backend(request):
    """Run the test with files on the local disk and in object storage."""
    if request.param == "s3":
        request.getfixturevalue("object_storage")
    return request.param
