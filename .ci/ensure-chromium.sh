#!/usr/bin/env bash
# Make sure Debian's chromium and a CJK font are installed for the browser tests, installing them
# when this user can. The font makes Chinese labels render in screenshots.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages for the browser tests: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; then
    exit 0
  fi
  echo "apt-get could not install: ${need[*]}" >&2
  command -v chromium >/dev/null 2>&1 && exit 0  # a missing font only spoils screenshots
  exit 1
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is missing and cannot be installed here (needs root and apt-get)." >&2
  echo "Install Debian's 'chromium' package (or set LOTTO_LAB_CHROMIUM to a Chromium binary) and rerun." >&2
  exit 1
fi
echo "no CJK font found: Chinese text in browser screenshots shows as boxes (install fonts-wqy-microhei)" >&2
exit 0
