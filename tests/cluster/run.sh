#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The scale-out test: two server instances behind nginx (and PgBouncer when
# installed) on loopback, against one fresh database. See cluster.py.
# `make test-cluster` runs it; tests/run.sh counts its cmocka-style summary.
set -uo pipefail
. "$(dirname "$0")/../ops_env.sh"
mkdir -p build/test-logs/cluster
exec /usr/bin/python3 tests/cluster/cluster.py "$@"
