#!/bin/sh
# tmux status segment for ai-observer: "1 waiting · 2 working".
#
#   set -g status-interval 2
#   set -g status-right '#(~/.config/tmux/ai-observer-status.sh) %H:%M'
#
# tmux runs this every status-interval. The first run starts one follower per user,
# `ai-observer watch --format text`, which rewrites a small file on every change; each run then
# only prints that file — no request to the agent per refresh. Without a follower line yet, it
# asks the agent once with `ai-observer status`.
set -u
dir="${XDG_RUNTIME_DIR:-/tmp}/ai-observer-tmux-$(id -u)"
line="$dir/line"
pidfile="$dir/pid"
mkdir -p "$dir" && chmod 700 "$dir"

# The follower runs in its own session: `kill -- -$(cat "$pidfile")` stops all of it.
if ! { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
  nohup setsid sh -c '
    ai-observer watch --format text | while IFS= read -r l; do
      printf "%s\n" "$l" > "$1.tmp" && mv "$1.tmp" "$1"
    done' sh "$line" >/dev/null 2>&1 &
  echo $! > "$pidfile"
fi

if [ -s "$line" ]; then
  text=$(cat "$line")
else
  text=$(ai-observer status --format waybar 2>/dev/null | sed -n 's/.*"text":"\([^"]*\)".*/\1/p')
  [ -n "$text" ] || text="ai-observer: not running"
fi

case "$text" in
  *waiting*) printf '#[fg=yellow,bold]%s#[default]' "$text" ;;
  *working*) printf '#[fg=blue]%s#[default]' "$text" ;;
  *done*) printf '#[fg=green]%s#[default]' "$text" ;;
  *) printf '#[fg=colour244]%s#[default]' "$text" ;;
esac
