#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests; install it when we can.
set -u
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && exit 0
  echo "apt-get could not install chromium" >&2
  exit 1
fi
echo "chromium is missing and cannot be installed here (needs root and apt-get)." >&2
echo "Install Debian's 'chromium' package (or set LOTTO_LAB_CHROMIUM to a Chromium binary) and rerun." >&2
exit 1
