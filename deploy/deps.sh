#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Installs the Debian packages Jawność needs to build, run and test, when
# they are missing. Safe to run again: it only calls apt-get when something
# is absent. Used by `make run`, `make check` and CI.
set -euo pipefail

packages=(
  build-essential pkg-config clang
  libpq-dev libmicrohttpd-dev libjansson-dev libcmark-dev libcmocka-dev
  libsodium-dev libcurl4-openssl-dev libcairo2-dev libpango1.0-dev libfontconfig-dev zlib1g-dev
  libpoppler-glib-dev libqpdf-dev libssl-dev libgmime-3.0-dev libxml2-dev libxml2-utils
  postgresql postgresql-contrib hunspell-pl
  python3 python3-aiosmtpd python3-feedparser curl valgrind faketime dovecot-imapd
  fonts-dejavu-core qpdf poppler-utils libnss3-tools openssl python3-yaml
  chromium
  nginx pgbouncer haproxy patroni etcd-server
)
# The browser stage (tests/browser) needs Node.js 18.19 or later with npm:
# Debian 12's own (18.20) when there is no node at all. A node already on
# the PATH (NodeSource's, nvm's) is left as it is.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# The search's Polish dictionary (deploy/search-dict.sh): PostgreSQL's
# ispell files made from hunspell-pl, in its tsearch_data directory.
dict_ok=true
"$(dirname "$0")/search-dict.sh" --check 2>/dev/null || dict_ok=false
[ ${#missing[@]} -eq 0 ] && $dict_ok && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
elif [ ${#missing[@]} -eq 0 ]; then
  # Only the dictionary: the search works without it, less well.
  echo "deps: not root: run deploy/search-dict.sh as root for the search's Polish dictionary" >&2
  exit 0
else
  echo "deps: missing packages and not root: install them with apt-get: ${missing[*]}" >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # etcd-server is for tests/failover, which starts its own etcd on free
  # loopback ports: the packaged service (port 2379, enabled on install)
  # is stopped and disabled.
  if [[ " ${missing[*]} " == *" etcd-server "* ]]; then
    "${SUDO[@]}" systemctl disable --now etcd >/dev/null 2>&1 ||
      { "${SUDO[@]}" service etcd stop; "${SUDO[@]}" update-rc.d etcd disable; } >/dev/null 2>&1 || true
  fi
fi
"${SUDO[@]}" "$(dirname "$0")/search-dict.sh"
