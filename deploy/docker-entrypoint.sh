#!/bin/sh
# Container entry point: before gunicorn starts, apply the database migrations (what
# `shuangsuiji serve` and the systemd unit's ExecStartPre do).  Any other command — e.g.
# `docker compose run --rm app shuangsuiji manage createsuperuser` — runs as given.
set -e
if [ "$1" = "gunicorn" ]; then
    shuangsuiji manage migrate --noinput
fi
exec "$@"
