#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# A logical backup of the Jawność database: pg_dump in the custom format
# (compressed; pg_restore can restore all of it or single tables), written
# under a temporary name, checked with pg_restore --list, renamed, with its
# SHA-256 beside it; then the oldest dumps beyond JAWNOSC_BACKUP_KEEP go.
# Also saves the cluster's roles (without passwords) next to it, for a
# restore on a new server (restore.sh --roles).
#
#   DATABASE_URL=... deploy/backup/pg_dump.sh [DIR]
#
# DIR defaults to $JAWNOSC_BACKUP_DIR, else /var/lib/jawnosc/backups.
# JAWNOSC_BACKUP_KEEP (default 14) is how many dumps to keep. For small and
# medium bodies (up to some GB); beyond that, see basebackup.sh. The
# systemd timer jawnosc-backup.timer runs this nightly. Prints the path of
# the new dump; exit status non-zero on any failure (nothing half-written
# is left under the final name).
set -euo pipefail
url=${DATABASE_URL:?DATABASE_URL is not set}
dir=${1:-${JAWNOSC_BACKUP_DIR:-/var/lib/jawnosc/backups}}
keep=${JAWNOSC_BACKUP_KEEP:-14}
case $keep in '' | *[!0-9]*) echo "pg_dump.sh: JAWNOSC_BACKUP_KEEP must be a number" >&2; exit 2 ;; esac
umask 077
mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base=$dir/jawnosc-$stamp
tmp=$dir/.jawnosc-$stamp.partial
trap 'rm -f "$tmp" "$tmp.roles"' EXIT

pg_dump --dbname="$url" --format=custom --compress=6 --file="$tmp"
# A dump that pg_restore cannot read is no backup.
pg_restore --list "$tmp" >/dev/null
# Roles are global to the cluster, not in the dump. Without passwords, so
# that a non-superuser may read them.
if pg_dumpall --dbname="$url" --roles-only --no-role-passwords >"$tmp.roles" 2>/dev/null; then
  mv "$tmp.roles" "$base.roles.sql"
fi
mv "$tmp" "$base.dump"
(cd "$dir" && sha256sum "jawnosc-$stamp.dump" >"jawnosc-$stamp.dump.sha256")

# Rotation: keep the newest $keep dumps (names sort by time).
if [ "$keep" -gt 0 ]; then
  ls -1 "$dir" | grep -E '^jawnosc-[0-9]{8}T[0-9]{6}Z\.dump$' | sort -r | tail -n +$((keep + 1)) |
    while read -r old; do
      rm -f "$dir/$old" "$dir/$old.sha256" "$dir/${old%.dump}.roles.sql"
    done
fi
echo "$base.dump"
