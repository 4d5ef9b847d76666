#!/usr/bin/env bash
# Installs the Debian packages that Qt + OpenGL need under Xvfb (see ARCHITECTURE.md, "Traps"),
# when they are missing, we are root and apt-get exists. Otherwise prints the exact line to run.
# --runtime: only check for the libraries that opening a window needs (not Xvfb) when a display exists.
set -u
PKGS="xvfb xauth libegl1 libgl1 libglx-mesa0 libgl1-mesa-dri libdbus-1-3 libfontconfig1 libglib2.0-0 \
libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 \
libxcb-xkb1 libxkbcommon-x11-0"
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian/Ubuntu: nothing we can check
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages for headless OpenGL:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || { echo "error: apt-get install failed; run: sudo apt-get install --no-install-recommends$missing" >&2; exit 1; }
else
  echo "Missing Debian packages for Qt/OpenGL. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install --no-install-recommends$missing" >&2
  [ "${1:-}" = "--runtime" ] && exit 0
  exit 1
fi
