"""`STORAGE_URL`: where the app's files live when they are not on the local disk.

    s3://BUCKET?endpoint_url=https://s3.region.example&region=eu-north-1&addressing_style=path

Only S3-compatible object storage is understood (AWS S3, MinIO, Ceph, a cloud's S3 API). The keys
are not part of the URL (URLs end up in logs and process lists): they come from
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or from boto3's own sources (an instance role, a
profile) when those are not set. Read by config/settings.py only; imports nothing of the app.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

# query parameter -> django-storages S3Storage option
PARAMETERS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
}


def s3_options(url: str) -> dict:
    """The S3Storage options of a STORAGE_URL (bucket, endpoint, region, addressing style), with
    the settings every file of the app needs: private objects (no ACL: the bucket's policy,
    which must not be public), signed URLs that expire after a minute, never overwriting."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.path not in ("", "/"):
        raise ImproperlyConfigured(
            "STORAGE_URL must look like s3://BUCKET?endpoint_url=...&region=... "
            "(no path, no keys in the URL)."
        )
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "STORAGE_URL must not contain keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        )
    options = {
        "bucket_name": parts.hostname,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    for key, values in parse_qs(parts.query, keep_blank_values=True, strict_parsing=False).items():
        if key not in PARAMETERS:
            known = ", ".join(sorted(PARAMETERS))
            raise ImproperlyConfigured(f"STORAGE_URL: unknown parameter {key!r} (known: {known}).")
        if len(values) != 1 or not values[0]:
            raise ImproperlyConfigured(f"STORAGE_URL: give {key} once, with a value.")
        options[PARAMETERS[key]] = values[0]
    if options.get("addressing_style", "path") not in ("path", "virtual"):
        raise ImproperlyConfigured("STORAGE_URL: addressing_style is path or virtual.")
    return options
