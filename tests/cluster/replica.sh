#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Read-your-writes through a streaming replica: a PostgreSQL cluster of its
# own, a replica made with pg_basebackup, one server reading the register
# from the replica. See replica.py. tests/run.sh counts its summary.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/test-logs/cluster
exec /usr/bin/python3 tests/cluster/replica.py "$@"
