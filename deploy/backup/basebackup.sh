#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# A physical base backup of the whole PostgreSQL cluster, for bodies whose
# database is too large to dump nightly and for point-in-time recovery with
# the WAL archive (wal-archive.sh as archive_command; docs/operations.md).
#
#   DATABASE_URL=... deploy/backup/basebackup.sh [DIR]
#
# pg_basebackup with a replication connection (the role needs REPLICATION
# and pg_hba.conf a "replication" line), plain format with the WAL needed to
# make it consistent streamed in (-X stream), checked with pg_verifybackup
# against its manifest, written as DIR/base-<UTC time>; the oldest beyond
# JAWNOSC_BACKUP_KEEP_BASE (default 3) are removed. WAL segments in the
# archive older than the oldest kept base backup can then be removed with
# pg_archivecleanup (printed at the end).
set -euo pipefail
url=${DATABASE_URL:?DATABASE_URL is not set}
dir=${1:-${JAWNOSC_BACKUP_DIR:-/var/lib/jawnosc/backups}}
keep=${JAWNOSC_BACKUP_KEEP_BASE:-3}
umask 077
mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tmp=$dir/.base-$stamp.partial
trap 'rm -rf "$tmp"' EXIT
pg_basebackup --dbname="$url" --pgdata="$tmp" --format=plain --wal-method=stream \
  --checkpoint=fast --manifest-checksums=SHA256 --label="jawnosc-$stamp" --no-password
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
verify=$(command -v pg_verifybackup || echo "$bindir/pg_verifybackup")
"$verify" --quiet "$tmp"
mv "$tmp" "$dir/base-$stamp"
ls -1 "$dir" | grep -E '^base-[0-9]{8}T[0-9]{6}Z$' | sort -r | tail -n +$((keep + 1)) |
  while read -r old; do rm -rf "${dir:?}/$old"; done
oldest=$(ls -1 "$dir" | grep -E '^base-[0-9]{8}T[0-9]{6}Z$' | sort | head -n 1)
first_wal=$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\)).*/\1/p' "$dir/$oldest/backup_label")
echo "$dir/base-$stamp"
[ -n "$first_wal" ] && echo "archive cleanup: pg_archivecleanup ARCHIVE_DIR $first_wal" >&2
exit 0
