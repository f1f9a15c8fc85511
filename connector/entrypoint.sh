#!/usr/bin/env bash
# The Chime connector: reads its target from its stream's record (fetch-target.sh: the meeting URL
# and the RTMP URL with its key, so no key is in the task's overrides), opens the meeting in
# Chromium (kiosk) on a virtual display and streams that screen and the page's sound to the RTMP URL
# (H.264 + AAC in FLV) with ffmpeg. See connector/README.md.
#
# Readiness: once ffmpeg is sending frames, READY_FILE is touched (and kept fresh while frames
# flow) and "ready: sending frames" is logged once; the ECS health check reads the file's age.
# SIGTERM/SIGINT: ffmpeg is asked to finish (it flushes the stream), then the browser, the sound
# server and the display are stopped, and the script exits 0.
# Logs: every line that could hold the RTMP URL passes through `redact`, so no stream key is printed.
# No `set -e`: the script supervises its children and decides itself what a failure means.
# With pipefail, `… | grep -q` fails when grep exits early (SIGPIPE): the greps below read all input.
set -uo pipefail

SOURCE="${SOURCE:-page}"                 # page | test_pattern (no browser: a labelled pattern and a tone) | auto
RESOLUTION="${RESOLUTION:-1080p}"        # 1080p | 720p, at 30 fps
FFMPEG="${FFMPEG:-ffmpeg}"
CHROMIUM="${CHROMIUM:-chromium}"
X264_PRESET="${X264_PRESET:-veryfast}"
READY_FILE="${READY_FILE:-/tmp/connector-ready}"
FFMPEG_RESTARTS="${FFMPEG_RESTARTS:-3}"  # an ingest that blips (a MediaLive pipeline failover) gets a few retries
PAGE_SETTLE_SECONDS="${PAGE_SETTLE_SECONDS:-3}"
FETCH_TARGET="${FETCH_TARGET:-$(dirname "${BASH_SOURCE[0]}")/fetch-target.sh}"
FPS=30

redact() {
  sed -u -E -e 's#(rtmps?://[^/[:space:]]+/[^/[:space:]]+/)[^[:space:]"'"'"']+#\1***#g' -e 's#sk_[A-Za-z0-9_-]+#sk_***#g'
}
log() {
  printf '%s connector[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${STREAM_ID:-local}" "$*" | redact >&2
}
die() {
  log "error: $*"
  stop_all
  exit 1
}

FFMPEG_PID='' BROWSER_PID='' XVFB_PID='' PULSE_PID='' READER_PID='' STOPPING=0
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/connector.XXXXXX")"

stop_pid() { # pid signal seconds: signal, wait up to seconds, then SIGKILL
  local pid="$1" signal="$2" seconds="$3" i
  [ -n "$pid" ] || return 0
  kill "-$signal" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
  # SIGINT lets ffmpeg write the end of the stream; the others just need to go.
  stop_pid "$FFMPEG_PID" INT 5
  stop_pid "$READER_PID" TERM 1
  rm -f "$READY_FILE"
  stop_pid "$BROWSER_PID" TERM 5
  stop_pid "$PULSE_PID" TERM 2
  stop_pid "$XVFB_PID" TERM 2
  rm -rf "$WORK_DIR"
}

on_signal() {
  STOPPING=1
  log "stop requested: shutting down"
  stop_all
  log "stopped"
  exit 0
}
trap on_signal TERM INT

# The target, kept in this shell only: ffmpeg gets the key on a file descriptor (start_ffmpeg).
TARGET="$("$FETCH_TARGET" 2> >(redact >&2))" || die "could not read the connector's target from stream ${STREAM_ID:-?}"
{ read -r MEETING_URL; read -r RTMP_URL; } <<<"$TARGET"
unset TARGET
[ -n "${RTMP_URL:-}" ] || die "the stream has no RTMP URL for its connector"
# rtmp(s)://host[:port]/app/KEY: ffmpeg is given the URL up to the app, and the key as its RTMP
# play path in a preset read from fd 3 (`-fpre`), so the key is on no command line (`ps`).
RTMP_BASE="${RTMP_URL%/*}/"
RTMP_PLAYPATH="${RTMP_URL##*/}"

# auto (the local runtime): the page when this host can show it (Xvfb, Chromium, the URL answers), else the pattern.
if [ "$SOURCE" = auto ]; then
  SOURCE=test_pattern
  if command -v Xvfb >/dev/null && command -v "$CHROMIUM" >/dev/null && curl -s -o /dev/null --max-time 3 "$MEETING_URL"; then SOURCE=page; fi
fi

case "$RESOLUTION" in
  1080p) WIDTH=1920 HEIGHT=1080 VIDEO_BITRATE=4500 ;;
  720p) WIDTH=1280 HEIGHT=720 VIDEO_BITRATE=3000 ;;
  *) die "RESOLUTION must be 1080p or 720p, not '$RESOLUTION'" ;;
esac
case "$SOURCE" in
  page) [ -n "${MEETING_URL:-}" ] || die "MEETING_URL is required" ;;
  test_pattern) ;;
  *) die "SOURCE must be page or test_pattern, not '$SOURCE'" ;;
esac

start_display() {
  command -v Xvfb >/dev/null || die "Xvfb is not installed"
  # -displayfd: Xvfb picks a free display and writes its number, so several connectors can share a host.
  Xvfb -displayfd 3 -screen 0 "${WIDTH}x${HEIGHT}x24" -nolisten tcp -nocursor 3>"$WORK_DIR/display" >"$WORK_DIR/xvfb.log" 2>&1 &
  XVFB_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    if [ -s "$WORK_DIR/display" ]; then
      DISPLAY=":$(tr -dc 0-9 <"$WORK_DIR/display")"
      export DISPLAY
      return 0
    fi
    kill -0 "$XVFB_PID" 2>/dev/null || die "Xvfb exited: $(tail -n 3 "$WORK_DIR/xvfb.log")"
    sleep 0.1
  done
  die "Xvfb did not start within 10 s"
}

# The page's sound: a PulseAudio null sink that Chromium plays into and ffmpeg records from its
# monitor. Without PulseAudio, or an ffmpeg without the pulse input (a static build), silence.
start_audio() {
  if [ "$SOURCE" = test_pattern ]; then
    AUDIO_INPUT=(-re -f lavfi -i "sine=frequency=440:sample_rate=48000")
    return 0
  fi
  if command -v pulseaudio >/dev/null && "$FFMPEG" -hide_banner -devices 2>/dev/null | grep ' pulse ' >/dev/null; then
    export PULSE_RUNTIME_PATH="$WORK_DIR/pulse" PULSE_SINK=connector
    pulseaudio --daemonize=no --exit-idle-time=-1 --disallow-exit -n \
      --load="module-native-protocol-unix" \
      --load="module-null-sink sink_name=connector sink_properties=device.description=connector" \
      >"$WORK_DIR/pulse.log" 2>&1 &
    PULSE_PID=$!
    local i
    for ((i = 0; i < 50; i++)); do
      [ -S "$PULSE_RUNTIME_PATH/native" ] && break
      kill -0 "$PULSE_PID" 2>/dev/null || die "PulseAudio exited: $(tail -n 3 "$WORK_DIR/pulse.log")"
      sleep 0.1
    done
    AUDIO_INPUT=(-f pulse -thread_queue_size 1024 -i connector.monitor)
  else
    log "no PulseAudio capture available: streaming silence with the page"
    AUDIO_INPUT=(-f lavfi -i "anullsrc=channel_layout=stereo:sample_rate=48000")
  fi
}

start_browser() {
  command -v "$CHROMIUM" >/dev/null || die "Chromium ($CHROMIUM) is not installed"
  # --no-sandbox: Fargate grants no user namespaces; the container is the sandbox (non-root, no inbound).
  # --disable-dev-shm-usage: Fargate's /dev/shm is too small for Chromium's renderer.
  # The background-networking flags keep Chromium from calling Google's services at every start.
  "$CHROMIUM" --no-sandbox --kiosk --start-fullscreen --window-position=0,0 --window-size="$WIDTH,$HEIGHT" \
    --user-data-dir="$WORK_DIR/chromium" --no-first-run --no-default-browser-check --noerrdialogs \
    --disable-infobars --disable-session-crashed-bubble --hide-scrollbars --password-store=basic \
    --disable-background-networking --disable-component-update --disable-sync --disable-quic \
    --disable-features=Translate,MediaRouter --disable-dev-shm-usage --disable-gpu \
    --autoplay-policy=no-user-gesture-required --use-fake-ui-for-media-stream \
    "$MEETING_URL" >"$WORK_DIR/chromium.log" 2>&1 &
  BROWSER_PID=$!
  sleep "$PAGE_SETTLE_SECONDS"
  kill -0 "$BROWSER_PID" 2>/dev/null || die "Chromium exited: $(tail -n 3 "$WORK_DIR/chromium.log")"
}

video_input() {
  if [ "$SOURCE" = page ]; then
    VIDEO_INPUT=(-f x11grab -draw_mouse 0 -video_size "${WIDTH}x${HEIGHT}" -framerate "$FPS" -thread_queue_size 512 -probesize 32 -analyzeduration 0 -i "$DISPLAY.0+0,0")
    VIDEO_FILTER=(-vf "format=yuv420p")
    return 0
  fi
  VIDEO_INPUT=(-re -f lavfi -i "testsrc2=size=${WIDTH}x${HEIGHT}:rate=$FPS")
  local font="${FONT_FILE:-}" candidate
  if [ -z "$font" ]; then
    font="$(fc-match -f '%{file}' 'DejaVu Sans:bold' 2>/dev/null || true)"
  fi
  for candidate in "$font" /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf /usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then font="$candidate" && break; fi
    font=''
  done
  if [ -n "$font" ] && "$FFMPEG" -hide_banner -filters 2>/dev/null | grep ' drawtext ' >/dev/null; then
    local box="fontcolor=white:box=1:boxcolor=black@0.6:x=(w-text_w)/2"
    local label="drawtext=fontfile=$font:text='Chime connector test pattern':fontsize=$((HEIGHT / 16)):boxborderw=16:y=h/8:$box"
    # The wall clock on every frame: a viewer can see how far behind live the HLS is.
    local clock="drawtext=fontfile=$font:text='%{localtime}':fontsize=$((HEIGHT / 20)):boxborderw=12:y=h-h/5:$box"
    VIDEO_FILTER=(-vf "$label,$clock,format=yuv420p")
  else
    log "drawtext or a font is missing: the test pattern carries no caption"
    VIDEO_FILTER=(-vf "format=yuv420p")
  fi
}

# ffmpeg writes key=value progress lines to a FIFO; a reader turns a growing frame count into the
# readiness signal. (A FIFO, not a file: a file would grow for as long as the meeting lasts.)
start_ffmpeg() {
  rm -f "$WORK_DIR/progress"
  mkfifo "$WORK_DIR/progress"
  (
    ready=0 last=0
    while IFS='=' read -r key value; do
      [ "$key" = frame ] || continue
      if [ "$value" -gt "$last" ] 2>/dev/null; then
        touch "$READY_FILE"
        last="$value"
        if [ "$ready" = 0 ]; then
          ready=1
          log "ready: sending frames"
        fi
      fi
    done <"$WORK_DIR/progress"
  ) &
  READER_PID=$!
  local bitrate="${VIDEO_BITRATE}k" bufsize="$((VIDEO_BITRATE * 2))k"
  "$FFMPEG" -hide_banner -nostats -loglevel warning -nostdin \
    "${VIDEO_INPUT[@]}" "${AUDIO_INPUT[@]}" \
    -map 0:v -map 1:a "${VIDEO_FILTER[@]}" \
    -c:v libx264 -preset "$X264_PRESET" -tune zerolatency -profile:v high -r "$FPS" -g $((FPS * 2)) -keyint_min $((FPS * 2)) \
    -sc_threshold 0 -b:v "$bitrate" -maxrate "$bitrate" -bufsize "$bufsize" \
    -c:a aac -b:a 128k -ar 48000 -ac 2 \
    -progress "$WORK_DIR/progress" \
    -fpre /dev/fd/3 -f flv -flvflags no_duration_filesize "$RTMP_BASE" \
    3< <(printf 'rtmp_playpath=%s\n' "$RTMP_PLAYPATH") 2> >(redact >&2) &
  FFMPEG_PID=$!
}

log "starting: $SOURCE at ${RESOLUTION}${FPS} to ${RTMP_BASE}***"
if [ "$SOURCE" = page ]; then
  start_display
  start_audio
  start_browser
else
  start_audio
fi
video_input

restarts=0
while :; do
  start_ffmpeg
  ended=''
  if [ -n "$BROWSER_PID" ]; then
    wait -n -p ended "$FFMPEG_PID" "$BROWSER_PID"
  else
    wait "$FFMPEG_PID"
  fi
  code=$?
  [ "$STOPPING" = 1 ] && exit 0
  [ -n "$BROWSER_PID" ] && [ "$ended" = "$BROWSER_PID" ] && die "Chromium exited: $(tail -n 3 "$WORK_DIR/chromium.log")"
  stop_pid "$READER_PID" TERM 1
  rm -f "$READY_FILE"
  restarts=$((restarts + 1))
  ((restarts > FFMPEG_RESTARTS)) && die "ffmpeg exited with code $code, $FFMPEG_RESTARTS restarts used"
  log "ffmpeg exited with code $code; restart $restarts of $FFMPEG_RESTARTS in 2 s"
  sleep 2
done
