#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The failover test: three PostgreSQL nodes under Patroni with one etcd and
# HAProxy on loopback, configured from deploy/ha/, two `jawnosc serve`
# instances through HAProxy; the leader killed, then the synchronous
# standby. See failover.py. `make test-failover` runs it (as root: Patroni
# runs as the postgres user); it prints a cmocka-style summary.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/test-logs/failover
exec /usr/bin/python3 tests/failover/failover.py "$@"
