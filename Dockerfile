# syntax=docker/dockerfile:1
# Shuangsuiji under gunicorn, for those who deploy with containers (docs/operations.md,
# "Containers").  deploy/docker-compose.yml runs it with PostgreSQL 15, Redis 7 and nginx.
#
#   docker build -t shuangsuiji .
#
# Data (evidence files, media) lives in the volume /var/lib/shuangsuiji; static files are
# collected into the image at build time (/opt/shuangsuiji/static), so an upgraded image
# never serves the old ones from a volume.

FROM python:3.11-slim-bookworm AS build
# gcc + OpenSSL headers build the lottery's optional C accelerator (same results, faster).
# Versions are not pinned on purpose: each build takes bookworm's current security updates.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY pyproject.toml setup.py README.md ./
COPY src/ src/
RUN python -m venv /opt/shuangsuiji/venv \
 && /opt/shuangsuiji/venv/bin/pip install ".[server]"

FROM python:3.11-slim-bookworm
# WeasyPrint (printable notices) needs Pango and CJK fonts; `shuangsuiji backup` and
# `restore` need pg_dump/pg_restore of the server's major version (bookworm: 15).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 990 shuangsuiji \
 && useradd --system --uid 990 --gid shuangsuiji --home-dir /var/lib/shuangsuiji \
      --shell /usr/sbin/nologin shuangsuiji \
 && install -d -o shuangsuiji -g shuangsuiji -m 0750 /var/lib/shuangsuiji /var/backups/shuangsuiji
COPY --from=build /opt/shuangsuiji/venv /opt/shuangsuiji/venv
COPY deploy/gunicorn.conf.py /etc/shuangsuiji/gunicorn.conf.py
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/opt/shuangsuiji/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=shuangsuiji.settings.production \
    SHUANGSUIJI_VAR_DIR=/var/lib/shuangsuiji \
    SHUANGSUIJI_STATIC_ROOT=/opt/shuangsuiji/static \
    SHUANGSUIJI_BACKUP_DIR=/var/backups/shuangsuiji \
    SHUANGSUIJI_BIND=0.0.0.0:8000
# The secret is needed to import the settings, not to collect the files: a throwaway one.
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh \
 && SHUANGSUIJI_SECRET_KEY=collectstatic-only-not-a-secret \
    shuangsuiji manage collectstatic --noinput --verbosity 0
USER 990:990
WORKDIR /var/lib/shuangsuiji
VOLUME ["/var/lib/shuangsuiji", "/var/backups/shuangsuiji"]
EXPOSE 8000
# /healthz answers after a database query; the first allowed host name is sent as Host.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["python", "-c", "import http.client,os,sys; h=os.environ.get('SHUANGSUIJI_ALLOWED_HOSTS','localhost').split(',')[0].strip(); c=http.client.HTTPConnection('127.0.0.1',8000,timeout=4); c.request('GET','/healthz',headers={'Host':h,'X-Forwarded-Proto':'https'}); sys.exit(0 if c.getresponse().status==200 else 1)"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["gunicorn", "--config", "/etc/shuangsuiji/gunicorn.conf.py"]
