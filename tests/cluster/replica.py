#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""Read-your-writes through a streaming replica (make check, stage
"replica"; alone: tests/cluster/replica.sh). A PostgreSQL cluster of its
own (deploy/pg.sh in a directory of its own) and a streaming replica made
from it with pg_basebackup, both on Unix sockets; one `jawnosc serve` with
DATABASE_URL on the primary and DATABASE_URL_REPLICA on the replica.

The replica's replay is paused, a body's setting changes on the primary
(`jawnosc org set`, as an operator does), and the public register is read
from the replica, which does not show the change yet. The server hears the
change and must not keep that page (the replica had not replayed the
point of the primary's WAL the change is bound to): once the replica has
replayed, the next request shows the change, and the page is kept again.
(Before, the stale page stayed in memory until the body's next change or
JAWNOSC_PAGE_CACHE_TTL, five minutes.)

Prints cmocka-style lines; "[  PASSED  ] N test(s)." at the end.
Environment: JAWNOSC_BIN (default bin/jawnosc-asan, else bin/jawnosc).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import (BIN, LOGS, ROOT, Failure, check, cmocka_summary, request,  # noqa: E402
                     run_tests)
import promparse  # noqa: E402

PGBIN = (sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [
    int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)]) or ["/usr/bin"])[-1]
AS_ROOT = os.getuid() == 0
AS_PG = ["runuser", "-u", "postgres", "--", "env", "-C", "/"] if AS_ROOT else []
NAME = "Ministerstwo Obrony Narodowej"
RENAMED = "Ministerstwo Obrony Narodowej (zmiana w trakcie replikacji)"


def run(cmd, what, timeout=120, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if r.returncode != 0:
        raise Failure(f"{what}: {r.stdout[-800:]}{r.stderr[-800:]}")
    return r.stdout


class Replicated:
    def __init__(self):
        os.makedirs(LOGS, exist_ok=True)
        self.base = tempfile.mkdtemp(prefix="jawnosc-replica-", dir="/tmp")
        os.chmod(self.base, 0o755)
        if AS_ROOT:  # PostgreSQL runs as postgres, in directories it owns
            shutil.chown(self.base, "postgres", "postgres")
        self.primary_dir = os.path.join(self.base, "primary")
        self.rep = os.path.join(self.base, "replica")
        self.rep_data = os.path.join(self.rep, "data")
        self.rep_sock = os.path.join(self.rep, "run")
        self.server = None
        self.port = None
        self.user = "postgres" if AS_ROOT else None
        self.primary_url = None

    def pg_env(self):
        return dict(os.environ, JAWNOSC_PG_DIR=self.primary_dir)

    def start_primary(self):
        out = run([os.path.join(ROOT, "deploy/pg.sh"), "start"], "the primary", env=self.pg_env())
        m = re.search(r"DATABASE_URL='([^']+)'", out)
        check(m, f"deploy/pg.sh printed no URL: {out}")
        self.primary_url = m.group(1)
        self.user = re.search(r"user=([^&]+)", self.primary_url).group(1)

    def url(self, db, replica=False):
        if not replica:
            return self.primary_url.replace("/jawnosc?", f"/{db}?")
        return f"postgresql:///{db}?host={self.rep_sock}&port=5432&user={self.user}"

    def psql(self, sql, replica=False, db="jawnosc"):
        return run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", self.url(db, replica),
                    "-c", sql], f"psql {sql[:80]}", timeout=60).strip()

    def cli(self, *args):
        env = dict(os.environ, DATABASE_URL=self.url("jawnosc"))
        return run([BIN, *args], f"jawnosc {' '.join(args)}", env=env, cwd=ROOT)

    def start_replica(self):
        run(AS_PG + ["mkdir", "-p", self.rep, self.rep_sock], "the replica's directory")
        run(AS_PG + [os.path.join(PGBIN, "pg_basebackup"), "-D", self.rep_data,
                     "-d", self.url("postgres"), "-X", "stream", "-R", "-c", "fast"],
            "pg_basebackup")
        conf = (f"\n# The replica of tests/cluster/replica.py.\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{self.rep_sock}'\nhot_standby = on\n")
        subprocess.run(AS_PG + ["tee", "-a", os.path.join(self.rep_data, "postgresql.conf")],
                       input=conf, text=True, capture_output=True, check=True)
        run(AS_PG + [os.path.join(PGBIN, "pg_ctl"), "-D", self.rep_data, "-l",
                     os.path.join(self.rep, "postgres.log"), "-w", "-t", "120", "start"],
            "starting the replica")
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.psql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
                         db="postgres") == "1":
                return
            time.sleep(0.2)
        raise Failure("the replica does not stream")

    def caught_up(self, seconds=60):
        """Until the replica has replayed everything the primary wrote."""
        target = self.psql("SELECT pg_current_wal_lsn()", db="postgres")
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", replica=True,
                         db="postgres") == "t":
                return
            time.sleep(0.1)
        raise Failure("the replica did not catch up")

    def start_server(self):
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.url("jawnosc"),
            "DATABASE_URL_REPLICA": self.url("jawnosc", replica=True),
            "JAWNOSC_LISTEN": "127.0.0.1:0",
            "JAWNOSC_THREADS": "2",
            "JAWNOSC_ACCESS_LOG": "",
            "JAWNOSC_MAIL_DIR": os.path.join(self.base, "mail"),
            "JAWNOSC_DEFAULT_ORG": "mon",
            "JAWNOSC_PAGE_CACHE_MB": "32",
        })
        env.pop("JAWNOSC_SMTP_URL", None)
        self.log = os.path.join(LOGS, "replica-server.log")
        self.server = subprocess.Popen([BIN, "serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                       stderr=open(self.log, "w"))
        line = self.server.stdout.readline()
        m = re.search(rb"http://127\.0\.0\.1:(\d+)/", line)
        check(m, f"the server did not start: {line!r}; see {self.log}")
        self.port = int(m.group(1))
        for _ in range(200):
            if request(self.port, "GET", "/readyz")[0] == 200:
                return
            time.sleep(0.05)
        raise Failure("/readyz never answered 200")

    def metric(self, name, **labels):
        status, _, body = request(self.port, "GET", "/metrics")
        check(status == 200, f"/metrics: {status}")
        s = promparse.parse(body)
        return promparse.value(s, name, **labels) if labels else promparse.total(s, name)

    def shutdown(self):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()
        if os.path.exists(os.path.join(self.rep_data, "postmaster.pid")):
            subprocess.run(AS_PG + [os.path.join(PGBIN, "pg_ctl"), "-D", self.rep_data, "-m",
                                    "immediate", "-w", "stop"], capture_output=True)
        subprocess.run([os.path.join(ROOT, "deploy/pg.sh"), "stop"], env=self.pg_env(),
                       capture_output=True)
        subprocess.run(AS_PG + ["rm", "-rf", self.primary_dir, self.rep], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


def register_page(r):
    status, _, body = request(r.port, "GET", "/rejestr")
    check(status == 200, f"/rejestr: {status}")
    return body


def t_a_page_read_before_the_replica_replayed_is_not_kept(r):
    check(NAME in register_page(r), "the body's name is not on the register page")
    register_page(r)  # now kept
    before = r.metric("jawnosc_page_cache_replica_behind_total")
    r.psql("SELECT pg_wal_replay_pause()", replica=True, db="postgres")
    try:
        r.cli("org", "set", "mon", f"name={RENAMED}")
        check(RENAMED in r.psql("SELECT name FROM organisations WHERE slug = 'mon'"),
              "the primary does not have the new name")
        # The server hears the change and reads the page again from the
        # paused replica: the old name, shown but not kept.
        deadline = time.time() + 20
        while r.metric("jawnosc_page_cache_replica_behind_total") <= before:
            check(time.time() < deadline, "no page read from the replica was refused")
            page = register_page(r)
            check(RENAMED not in page, "the paused replica showed the change")
            time.sleep(0.05)
    finally:
        r.psql("SELECT pg_wal_replay_resume()", replica=True, db="postgres")
    r.caught_up()
    page = register_page(r)
    check(RENAMED in page, "after the replica replayed the change, the page still shows the "
          "old name: a copy read from the replica before it replayed was kept")


def t_a_page_the_replica_shows_whole_is_kept_again(r):
    # The replica has replayed the change: its reads are kept as before,
    # the second of two requests is answered from memory.
    register_page(r)
    hits = r.metric("jawnosc_page_cache_lookups_total", result="hit")
    check(RENAMED in register_page(r), "the kept page lost the change")
    check(r.metric("jawnosc_page_cache_lookups_total", result="hit") > hits,
          "the page was not kept once the replica had replayed the change")


TESTS = [t_a_page_read_before_the_replica_replayed_is_not_kept,
         t_a_page_the_replica_shows_whole_is_kept_again]


def main():
    os.chdir(ROOT)
    passed, failed = [], []
    r = Replicated()
    t0 = time.time()
    try:
        try:
            check(os.path.exists(os.path.join(ROOT, BIN)), f"{BIN} is not built")
            r.start_primary()
            r.cli("migrate")
            r.cli("seed", "--demo")
            r.start_replica()
            r.caught_up()
            r.start_server()
        except Exception as e:  # noqa: BLE001
            print(f"[  ERROR   ] replica set-up: {e}")
            failed.append("replica_setup")
            raise SystemExit
        print(f"[==========] replica: server :{r.port}, primary {r.primary_dir}, "
              f"replica {r.rep} ({BIN})")
        run_tests(TESTS, r, passed, failed)
    except SystemExit:
        pass
    finally:
        r.shutdown()
    return cmocka_summary(passed, failed, t0)


if __name__ == "__main__":
    sys.exit(main())
