#!/usr/bin/env bash
# Renders a GTKWave save file (.gtkw, e.g. from `systolic run --trace`) to a PNG, headless:
# GTKWave on a private Xvfb display, the screen grabbed with xwd and converted by ImageMagick.
#   scripts/gtkwave-screenshot.sh VIEW.gtkw OUT.png [WIDTHxHEIGHT] [SECONDS]
# Needs xvfb, x11-apps, imagemagick and gtkwave (scripts/install-deps.sh).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 VIEW.gtkw OUT.png [WIDTHxHEIGHT] [SECONDS]" >&2
  exit 2
fi
save=$1 out=$2 size=${3:-1600x1000} wait_s=${4:-4}
[ -f "$save" ] || { echo "$0: $save: no such save file" >&2; exit 1; }
for tool in Xvfb gtkwave xwd convert; do
  command -v "$tool" >/dev/null || { echo "$0: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done

# A free display number.
disp=99
while [ -e "/tmp/.X11-unix/X$disp" ] || [ -e "/tmp/.X$disp-lock" ]; do disp=$((disp + 1)); done
work=$(mktemp -d)
xvfb_pid="" gtk_pid=""
cleanup() {
  # Either may have exited already: a failed kill must not stop the clean-up (errexit).
  set +e
  if [ -n "$gtk_pid" ]; then kill "$gtk_pid" 2>/dev/null; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb ":$disp" -screen 0 "${size}x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
sleep 1
# No splash screen.
printf 'splash_disable 1\n' >"$work/gtkwaverc"
# The window size comes from the save file ([size]); the time axis is zoomed to fit the dump (a
# windowed dump, --trace-from/--trace-to, shows exactly its window).
printf 'gtkwave::/Time/Zoom/Zoom_Best_Fit\n' >"$work/fit.tcl"
DISPLAY=":$disp" gtkwave --rcfile "$work/gtkwaverc" --script "$work/fit.tcl" "$save" \
  >"$work/gtkwave.log" 2>&1 &
gtk_pid=$!
sleep "$wait_s"
if ! kill -0 "$gtk_pid" 2>/dev/null; then
  echo "$0: gtkwave exited early:" >&2
  cat "$work/gtkwave.log" >&2
  exit 1
fi
DISPLAY=":$disp" xwd -root -silent >"$work/screen.xwd"
convert "xwd:$work/screen.xwd" "png:$out"
echo "gtkwave-screenshot: $out"
