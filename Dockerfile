# The app's image: gunicorn serves it; the same image runs the background worker, the
# migrations and the cron commands (see compose.yaml and docs/deploy.md).
#
#   docker build -t guide .
#
# Stage 1 builds the virtual environment and collects the static files; stage 2 is the runtime:
# Debian slim with only what WeasyPrint needs at run time, the app, and a user without rights.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt
WORKDIR /app
COPY . /app
# Settings need a secret key when DEBUG is off; this one exists only in this build stage.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_STATIC_ROOT=/app/staticfiles \
    FILE_UPLOAD_TEMP_DIR=/tmp/uploads \
    /opt/venv/bin/python manage.py collectstatic --noinput \
    && rm -rf /app/var /app/db.sqlite3 /app/.git /app/.venv /app/tests /app/bench

FROM python:3.11-slim-bookworm
# WeasyPrint's libraries and fonts (the same list as scripts/system-deps.sh --runtime, without
# gettext: the compiled catalogues are in the repository).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 guide \
    && useradd --system --uid 10001 --gid guide --home-dir /app --shell /usr/sbin/nologin guide
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# var/: temporary upload files (FILE_UPLOAD_TEMP_DIR) and, without STORAGE_URL, the files.
RUN mkdir -p /app/var/uploads && chown -R guide:guide /app/var
# XDG_CACHE_HOME: fontconfig (WeasyPrint) keeps its cache there; the app's folder is read-only.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/tmp/cache \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    FILE_UPLOAD_TEMP_DIR=/app/var/uploads
WORKDIR /app
USER guide
EXPOSE 8000
# gunicorn.conf.py: port 8000, WEB_CONCURRENCY workers, WEB_THREADS threads each (default 1).
ENTRYPOINT ["gunicorn"]
CMD ["config.wsgi:application"]
