#!/bin/sh
# Healthy while ffmpeg sends frames: the entrypoint touches READY_FILE at every progress report
# (about twice a second); a file older than READY_MAX_AGE_SECONDS means frames stopped flowing.
ready="${READY_FILE:-/tmp/connector-ready}"
[ -f "$ready" ] || exit 1
age=$(( $(date +%s) - $(stat -c %Y "$ready") ))
[ "$age" -lt "${READY_MAX_AGE_SECONDS:-15}" ]
