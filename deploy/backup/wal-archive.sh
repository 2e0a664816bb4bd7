#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# archive_command for continuous archiving (point-in-time recovery):
#
#   archive_mode = on
#   archive_command = '/usr/local/share/jawnosc/backup/wal-archive.sh %p %f /var/lib/postgresql/wal-archive'
#   restore_command = 'cp /var/lib/postgresql/wal-archive/%f %p'     (when recovering)
#
# Copies the segment %p to ARCHIVE/%f under a temporary name, flushes it to
# disk and renames it, so the archive never holds half a segment. A segment
# already archived with the same content counts as done (PostgreSQL may ask
# twice after a crash); a different file under that name is an error, so
# nothing archived is ever overwritten. Runs as the postgres user; ARCHIVE
# should be on another disk or machine (an NFS mount, or ship it with rsync).
set -eu
[ $# -eq 3 ] || { echo "usage: wal-archive.sh %p %f ARCHIVE_DIR" >&2; exit 2; }
src=$1 name=$2 archive=$3
dest=$archive/$name
if [ -e "$dest" ]; then
  cmp -s "$src" "$dest" && exit 0
  echo "wal-archive.sh: $dest exists with other content" >&2
  exit 1
fi
tmp=$archive/.$name.tmp
cp "$src" "$tmp"
sync "$tmp" 2>/dev/null || sync
mv "$tmp" "$dest"
