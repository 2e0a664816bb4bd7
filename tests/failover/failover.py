#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""The failover test (make test-failover; tests/failover/run.sh): the
high-availability setup of deploy/ha/ run for real on loopback, and broken.

- one etcd (Debian's etcd-server 3.4) from deploy/ha/etcd-pg1.env as a
  one-member cluster;
- three Patroni nodes (Debian's patroni 3.0, PostgreSQL 15, run as the
  postgres user) whose configuration is deploy/ha/patroni-pgN.yml with only
  addresses, ports, paths and passwords changed: the generated files are
  compared with the shipped ones key by key and any other difference fails
  the test (ttl, loop_wait, synchronous_mode, synchronous_mode_strict,
  use_pg_rewind, use_slots, the pg_hba lines' shape... are the shipped ones);
- HAProxy from deploy/ha/haproxy.cfg (the primary port: GET /primary, the
  replica port: GET /replica, the same check settings) on free ports;
- two `jawnosc serve` instances, DATABASE_URL through HAProxy's primary
  port, DATABASE_URL_REPLICA through its replica port.

Scenario 1, the leader killed: four clients file through the public API
(each attempt's answer recorded: 201 or 200 with a case number, 503 with
Retry-After, anything else or no answer within 30 s is a failure; a 503 is
retried after a second with the same Idempotency-Key), a clerk reads the
panel, a reader polls the public register; the leader's Patroni and
postmaster get SIGKILL. Then: a new leader within ttl + loop_wait + HAProxy's
rise x inter (and a few seconds for the promotion itself); filing resumes by
itself; every filing answered 2xx is in the database (read through the new
leader), one case per key, case numbers unique and gap-free per unit, class
and year and equal to the counters; `jawnosc audit verify` passes; every
outbox message was written once (the .eml files against the outbox rows);
the old leader, its Patroni started again, rejoins as a streaming replica
(pg_rewind) on the new timeline; the register answered 200 throughout.

Scenario 2, the synchronous standby killed: filing goes on, the instances'
/metrics shows one standby less (jawnosc_db_standbys) and their logs a
"replication:" warning; then the other replica is killed too: filing still
goes on (synchronous_mode_strict false) and jawnosc_db_synchronous_standby
turns 0; the register answers 200 throughout, from the leader once no
replica is left (HAProxy's replica port has no server then; the instances
count it in jawnosc_db_replica_fallbacks_total); both come back and
streaming resumes.

Prints cmocka-style lines and the figures of each scenario; "[  PASSED  ]"
at the end; exit 1 when anything failed. Everything started is stopped and
every directory removed at the end, on failure too.
Environment: JAWNOSC_BIN (default bin/jawnosc).
"""
import json
import os
import pwd
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cluster"))
import promparse  # noqa: E402
from cluster import (Failure, check, cookie_from, csrf_of, free_port, request,  # noqa: E402
                     cmocka_summary, run_tests, wait_port, DEMO_EMAIL, DEMO_PASSWORD, FILING)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOGS = os.path.join(ROOT, "build", "test-logs", "failover")
HA = os.path.join(ROOT, "deploy", "ha")
BIN = os.environ.get("JAWNOSC_BIN") or "bin/jawnosc"
PATRONI = shutil.which("patroni") or "/usr/bin/patroni"
ETCD = shutil.which("etcd") or "/usr/bin/etcd"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
NODES = ("pg1", "pg2", "pg3")
CLIENTS = 4
HTTP_TIMEOUT = 30  # a filing not answered within this is a failure ("a hang")

# The keys of the generated Patroni configuration that may differ from the
# shipped file: addresses, ports, paths, passwords. Anything else differing
# fails the test.
ALLOWED = {
    "restapi.listen", "restapi.connect_address", "restapi.authentication.password",
    "etcd3.hosts",
    "bootstrap.dcs.postgresql.parameters.archive_command",
    "bootstrap.dcs.postgresql.recovery_conf.restore_command",
    "bootstrap.pg_hba",
    "postgresql.listen", "postgresql.connect_address", "postgresql.data_dir",
    "postgresql.pgpass", "postgresql.parameters.unix_socket_directories",
    "postgresql.authentication.superuser.password",
    "postgresql.authentication.replication.password",
    "postgresql.authentication.rewind.password",
}


def log(msg):
    print(f"    {msg}", flush=True)


def flatten(d, prefix=""):
    out = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}{k}."))
    else:
        out[prefix[:-1]] = d
    return out


def as_postgres():
    """preexec for a child that must run as postgres (PostgreSQL refuses root)."""
    pw = pwd.getpwnam("postgres")

    def f():
        os.setgid(pw.pw_gid)
        os.initgroups("postgres", pw.pw_gid)
        os.setuid(pw.pw_uid)
    return f


class Cluster:
    def __init__(self):
        os.makedirs(LOGS, exist_ok=True)
        for f in os.listdir(LOGS):
            os.unlink(os.path.join(LOGS, f))
        self.tmp = tempfile.mkdtemp(prefix="jawnosc-failover-")
        os.chmod(self.tmp, 0o755)
        shutil.chown(self.tmp, "postgres", "postgres")
        self.procs = {}
        self.ports = {}
        self.pw = {k: uuid.uuid4().hex for k in ("api", "superuser", "replication", "rewind", "app")}
        self.mail_dir = os.path.join(self.tmp, "mail")
        self.archive = os.path.join(self.tmp, "wal-archive")
        for name in ("etcd_client", "etcd_peer", "primary", "replica", "stats"):
            self.ports[name] = free_port()
        for n in NODES:
            self.ports[f"{n}_pg"] = free_port()
            self.ports[f"{n}_rest"] = free_port()

    # ---- processes -------------------------------------------------------------
    def spawn(self, name, cmd, env=None, postgres=False, stdout=None):
        logf = open(os.path.join(LOGS, f"{name}.log"), "a")
        p = subprocess.Popen(cmd, cwd=self.tmp if postgres else ROOT, env=env,
                             stdout=stdout or logf, stderr=logf,
                             preexec_fn=as_postgres() if postgres and os.getuid() == 0 else None)
        self.procs[name] = p
        return p

    def kill(self, name, sig=signal.SIGTERM, wait=30):
        p = self.procs.pop(name, None)
        if not p or p.poll() is not None:
            return p.returncode if p else None
        p.send_signal(sig)
        try:
            p.wait(wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        return p.returncode

    def start_etcd(self):
        """deploy/ha/etcd-pg1.env with loopback addresses, one member."""
        env = dict(os.environ)
        c, p = self.ports["etcd_client"], self.ports["etcd_peer"]
        with open(os.path.join(HA, "etcd-pg1.env")) as f:
            for line in f:
                m = re.match(r"^(ETCD_\w+)=(.*)$", line.strip())
                if not m:
                    continue
                k, v = m.groups()
                v = v.replace("http://127.0.0.1:2379", "")
                v = re.sub(r"10\.0\.0\.11:2379", f"127.0.0.1:{c}", v)
                v = re.sub(r"10\.0\.0\.11:2380", f"127.0.0.1:{p}", v)
                if k == "ETCD_LISTEN_CLIENT_URLS":
                    v = f"http://127.0.0.1:{c}"
                if k == "ETCD_INITIAL_CLUSTER":  # one member here, three in production
                    v = f"pg1=http://127.0.0.1:{p}"
                if k == "ETCD_DATA_DIR":
                    v = os.path.join(self.tmp, "etcd")
                env[k] = v
        check(env.get("ETCD_ENABLE_V2") == "false", "etcd-pg1.env does not turn v2 off")
        self.spawn("etcd", [ETCD], env=env)
        wait_port(c, 30, "etcd")

    def patroni_config(self, n):
        with open(os.path.join(HA, f"patroni-{n}.yml")) as f:
            shipped = yaml.safe_load(f)
        cfg = yaml.safe_load(yaml.safe_dump(shipped))
        pg, rest = self.ports[f"{n}_pg"], self.ports[f"{n}_rest"]
        d = os.path.join(self.tmp, n)
        cfg["restapi"]["listen"] = cfg["restapi"]["connect_address"] = f"127.0.0.1:{rest}"
        cfg["restapi"]["authentication"]["password"] = self.pw["api"]
        cfg["etcd3"]["hosts"] = f"127.0.0.1:{self.ports['etcd_client']}"
        params = cfg["bootstrap"]["dcs"]["postgresql"]["parameters"]
        # /usr/local/share/jawnosc/backup/wal-archive.sh and /mnt/wal-archive do
        # not exist here: the same script from the checkout, an archive shared by
        # the three nodes in the test directory (only the paths change).
        script = os.path.join(self.tmp, "wal-archive.sh")
        params["archive_command"] = params["archive_command"].replace(
            "/usr/local/share/jawnosc/backup/wal-archive.sh", script).replace(
            "/mnt/wal-archive", self.archive)
        rc = cfg["bootstrap"]["dcs"]["postgresql"]["recovery_conf"]
        rc["restore_command"] = rc["restore_command"].replace("/mnt/wal-archive", self.archive)
        # The cluster's network 10.0.0.0/24 is loopback here.
        cfg["bootstrap"]["pg_hba"] = [l.replace("10.0.0.0/24", "127.0.0.1/32")
                                      for l in cfg["bootstrap"]["pg_hba"]]
        cfg["postgresql"]["listen"] = cfg["postgresql"]["connect_address"] = f"127.0.0.1:{pg}"
        cfg["postgresql"]["data_dir"] = os.path.join(d, "data")
        cfg["postgresql"]["pgpass"] = os.path.join(d, "pgpass")
        cfg["postgresql"]["parameters"]["unix_socket_directories"] = d
        for who in ("superuser", "replication", "rewind"):
            cfg["postgresql"]["authentication"][who]["password"] = self.pw[who]
        a, b = flatten(shipped), flatten(cfg)
        changed = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
        check(changed <= ALLOWED, f"{n}: the test changed shipped settings: {changed - ALLOWED}")
        os.makedirs(d, exist_ok=True)
        shutil.chown(d, "postgres", "postgres")
        os.chmod(d, 0o700)
        path = os.path.join(d, "patroni.yml")
        with open(path, "w") as f:
            f.write(f"# Generated from deploy/ha/patroni-{n}.yml by tests/failover/failover.py:\n"
                    f"# only {', '.join(sorted(changed))} differ.\n")
            yaml.safe_dump(cfg, f, sort_keys=False)
        shutil.chown(path, "postgres", "postgres")
        os.chmod(path, 0o600)
        return path, cfg

    def start_patroni(self, n):
        path = os.path.join(self.tmp, n, "patroni.yml")
        env = dict(os.environ, HOME=self.tmp, PATRONI_LOG_LEVEL="INFO")
        self.spawn(f"{n}.patroni", [PATRONI, path], env=env, postgres=True)

    def start_haproxy(self):
        """deploy/ha/haproxy.cfg with loopback addresses and free ports; the
        checks, timeouts and server options are the shipped ones."""
        with open(os.path.join(HA, "haproxy.cfg")) as f:
            text = f.read()
        check("http-check send meth GET uri /primary" in text and
              "http-check send meth GET uri /replica" in text, "haproxy.cfg: checks changed")
        # No syslog socket here: the log goes to standard error, as HAProxy
        # offers. Not root afterwards: the shipped user/group lines stay.
        text = text.replace("log /dev/log local0", "log stderr format raw local0")
        text = text.replace("bind 127.0.0.1:7000", f"bind 127.0.0.1:{self.ports['stats']}")
        text = text.replace("bind *:5000", f"bind 127.0.0.1:{self.ports['primary']}")
        text = text.replace("bind *:5001", f"bind 127.0.0.1:{self.ports['replica']}")
        for i, n in enumerate(NODES, 1):
            text = text.replace(f"10.0.0.1{i}:5432", f"127.0.0.1:{self.ports[n + '_pg']}")
        text = re.sub(r"(server (pg\d) \S+ .*check port) 8008",
                      lambda m: f"{m.group(1)} {self.ports[m.group(2) + '_rest']}", text)
        live = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))
        check("10.0.0." not in live and "8008" not in live, "haproxy.cfg: an address left")
        if os.getuid() != 0:
            text = re.sub(r"\n\s*(user|group) haproxy", "", text)
        path = os.path.join(self.tmp, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([HAPROXY, "-c", "-f", path], capture_output=True, text=True)
        check(r.returncode == 0, f"haproxy -c: {r.stdout}{r.stderr}")
        self.spawn("haproxy", [HAPROXY, "-db", "-f", path])
        wait_port(self.ports["primary"], 15, "haproxy")

    # ---- Patroni's view --------------------------------------------------------
    def rest(self, n, path="/patroni", timeout=2):
        try:
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.ports[n + '_rest']}{path}", timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            try:
                return e.code, json.loads(e.read() or b"{}")
            except ValueError:
                return e.code, {}
        except (OSError, ValueError):
            return -1, {}

    def members(self, alive=NODES):
        """{name: member} from the /cluster of the first node that answers."""
        for n in alive:
            st, doc = self.rest(n, "/cluster")
            if st == 200:
                return {m["name"]: m for m in doc.get("members", [])}
        return {}

    def wait_roles(self, want, seconds, alive=NODES):
        """Waits until the members' roles and states match `want` (a function
        of the members returning True); returns the members."""
        deadline = time.time() + seconds
        m = {}
        while time.time() < deadline:
            m = self.members(alive)
            if m and want(m):
                return m
            time.sleep(0.5)
        raise Failure(f"cluster not as expected after {seconds} s: {summary(m)}")

    def postmaster_pid(self, n):
        with open(os.path.join(self.tmp, n, "data", "postmaster.pid")) as f:
            return int(f.readline())

    # ---- SQL -------------------------------------------------------------------
    def psql(self, sql, port=None, db="jawnosc", user="jawnosc", timeout=60):
        pwd_ = self.pw["app"] if user == "jawnosc" else self.pw["superuser"]
        env = dict(os.environ, PGPASSWORD=pwd_, PGCONNECT_TIMEOUT="5")
        r = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                            "-p", str(port or self.ports["primary"]), "-U", user, "-d", db],
                           input=sql, capture_output=True, text=True, timeout=timeout, env=env)
        if r.returncode != 0:
            raise Failure(f"psql: {sql[:200]}: {r.stderr.strip()}")
        return r.stdout.strip()

    def url(self, port_name):
        return (f"host=127.0.0.1 port={self.ports[port_name]} dbname=jawnosc user=jawnosc "
                f"password={self.pw['app']} connect_timeout=5")

    def cli(self, *args):
        env = dict(os.environ, DATABASE_URL=self.url("primary"))
        r = subprocess.run([BIN, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=180)
        return r.returncode, r.stdout + r.stderr

    # ---- the application -------------------------------------------------------
    def start_instance(self, name):
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.url("primary"),
            "DATABASE_URL_REPLICA": self.url("replica"),
            # Every register page read from the replica, none from memory.
            "JAWNOSC_PAGE_CACHE_MB": "0",
            "JAWNOSC_LISTEN": "127.0.0.1:0",
            "JAWNOSC_THREADS": "4",
            "JAWNOSC_ACCESS_LOG": os.path.join(LOGS, f"{name}.access.log"),
            "JAWNOSC_MAIL_DIR": self.mail_dir,
            "JAWNOSC_MAIL_POLL_MS": "200",
            "JAWNOSC_FILING_RATE": "1000000",
            "JAWNOSC_SEARCH_RATE": "1000000",
            "JAWNOSC_SHUTDOWN_GRACE": "10",
        })
        for k in ("JAWNOSC_SMTP_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD"):
            env.pop(k, None)
        p = self.spawn(name, [BIN, "serve"], env=env, stdout=subprocess.PIPE)
        line, deadline = b"", time.time() + 60
        while not line.endswith(b"\n") and time.time() < deadline:
            r, _, _ = select.select([p.stdout], [], [], 1)
            if r:
                b = os.read(p.stdout.fileno(), 1)
                if not b:
                    break
                line += b
        m = re.search(rb"http://127\.0\.0\.1:(\d+)/", line)
        check(m, f"{name} did not start: {line!r}")
        self.ports[name] = int(m.group(1))
        for _ in range(200):
            if request(self.ports[name], "GET", "/readyz")[0] == 200:
                return
            time.sleep(0.1)
        raise Failure(f"{name}: /readyz never answered 200")

    def shutdown(self):
        for name in [n for n in self.procs if n in ("a", "b")]:
            self.kill(name, signal.SIGTERM, 15)
        for name in [n for n in self.procs if n.endswith(".patroni")]:
            self.kill(name, signal.SIGTERM, 30)
        # Postmasters whose Patroni was killed, or that outlived it.
        for n in NODES:
            try:
                pid = self.postmaster_pid(n)
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM, 15)
        # Any postgres process still running from the test directory.
        r = subprocess.run(["pgrep", "-u", "postgres", "-f", self.tmp], capture_output=True,
                           text=True)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def summary(m):
    return ", ".join(f"{k}: {v.get('role')}/{v.get('state')}/TL{v.get('timeline', '?')}"
                     for k, v in sorted(m.items())) or "no answer"


def leader_of(m):
    for k, v in m.items():
        if v.get("role") == "leader" and v.get("state") == "running":
            return k
    return None


def sync_of(m):
    for k, v in m.items():
        if v.get("role") == "sync_standby" and v.get("state") in ("running", "streaming"):
            return k
    return None


def streaming(c, leader):
    """The names of the standbys streaming from `leader` (Patroni 3.0.2 says
    "running" for a replica whether or not it streams)."""
    try:
        return c.psql("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'",
                      port=c.ports[leader + "_pg"], user="postgres", db="postgres",
                      timeout=10).split()
    except (Failure, subprocess.TimeoutExpired):
        return []


def healthy(m, n=3):
    return (len(m) == n and leader_of(m) and sync_of(m) and
            sum(1 for v in m.values() if v.get("state") in ("running", "streaming")) == n)


# ---- load ------------------------------------------------------------------------

class Load:
    """Filing clients, a clerk and a register reader, all recording."""

    def __init__(self, c):
        self.c = c
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.attempts = []   # (t, client, key, status, retry_after, case_number, seconds)
        self.filings = {}    # key -> final (status, case_number)
        self.register = []   # (t, status)
        self.panel = []      # (t, status, retry_after)
        self.threads = []

    def start(self):
        self.fallbacks0 = sum(fallbacks(self.c, n) for n in ("a", "b"))
        for i in range(CLIENTS):
            self.threads.append(threading.Thread(target=self.filer, args=(i,)))
        self.threads.append(threading.Thread(target=self.reader))
        self.threads.append(threading.Thread(target=self.clerk))
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(HTTP_TIMEOUT + 10)

    def filer(self, i):
        port = self.c.ports["a" if i % 2 == 0 else "b"]
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            while True:
                t0 = time.time()
                h = {"Content-Type": "application/json", "Idempotency-Key": key}
                st, hs, body = request(port, "POST", "/api/v1/requests", h, json.dumps(FILING),
                                       HTTP_TIMEOUT)
                num = None
                if st in (200, 201):
                    try:
                        num = json.loads(body)["case_number"]
                    except (ValueError, KeyError):
                        st = -2
                ra = (hs.get("retry-after") or [None])[0]
                with self.lock:
                    self.attempts.append((t0, i, key, st, ra, num, time.time() - t0))
                if st == 503 and not self.stop.is_set():
                    time.sleep(1)  # retried with the same key (a client that waits less than asked)
                    continue
                with self.lock:
                    self.filings[key] = (st, num)
                break

    def reader(self):
        ports = [self.c.ports["a"], self.c.ports["b"]]
        k = 0
        while not self.stop.is_set():
            st, _, _ = request(ports[k % 2], "GET", "/rejestr", timeout=HTTP_TIMEOUT)
            with self.lock:
                self.register.append((time.time(), st))
            k += 1
            time.sleep(0.2)

    def clerk(self):
        port = self.c.ports["b"]
        session = None
        while not self.stop.is_set():
            if not session:
                session = try_sign_in(port)
                if not session:
                    time.sleep(1)
                    continue
            st, hs, _ = request(port, "GET", "/panel", {"Cookie": session}, timeout=HTTP_TIMEOUT)
            with self.lock:
                self.panel.append((time.time(), st, (hs.get("retry-after") or [None])[0]))
            time.sleep(0.5)

    def snapshot(self):
        with self.lock:
            return list(self.attempts), dict(self.filings), list(self.register), list(self.panel)


def try_sign_in(port):
    st, hs, html = request(port, "GET", "/panel/logowanie")
    if st != 200:
        return None
    form_cookie, csrf = cookie_from(hs, "jw_form"), csrf_of(html)
    body = urllib.parse.urlencode({"csrf": csrf, "next": "", "email": DEMO_EMAIL,
                                   "password": DEMO_PASSWORD})
    st, hs, _ = request(port, "POST", "/panel/logowanie",
                        {"Content-Type": "application/x-www-form-urlencoded",
                         "Cookie": form_cookie or ""}, body)
    return cookie_from(hs, "jw_session") if st == 303 else None


def primary_writable(c):
    """True when HAProxy's primary port leads to a server that takes writes."""
    try:
        return c.psql("SELECT NOT pg_is_in_recovery()", timeout=6) == "t"
    except (Failure, subprocess.TimeoutExpired):
        return False


def judge_load(c, load, t_kill, what):
    """The figures and assertions common to both scenarios: returns the figures."""
    attempts, filings, register, panel = load.snapshot()
    ok = [a for a in attempts if a[3] in (200, 201)]
    s503 = [a for a in attempts if a[3] == 503]
    bad = [a for a in attempts if a[3] not in (200, 201, 503)]
    no_ra = [a for a in s503 if not a[4]]
    slow = max((a[6] for a in attempts), default=0)
    # The longest time without an acknowledged filing from the kill on:
    # the gap between two successive 2xx answers (a request sent just
    # before the kill may still be answered after it).
    done = sorted(a[0] + a[6] for a in ok)
    gaps = [y - x for x, y in zip(done, done[1:]) if y >= t_kill]
    after = [a for a in ok if a[0] >= t_kill]  # sent after the kill
    # The register answers throughout: from a replica, or from the leader
    # while none can be reached (jawnosc_db_replica_fallbacks_total).
    reg_bad = [r for r in register if r[1] != 200]
    panel_bad = [p for p in panel if p[1] not in (200, 503) or (p[1] == 503 and not p[2])]
    fig = {
        "attempts": len(attempts), "filings": len(filings), "acknowledged": len(ok),
        "answered_503": len(s503), "failed": len(bad),
        "filing_gap_s": max(gaps) if gaps else None,
        "slowest_answer_s": slow,
        "register_reads": len(register), "register_failures": len(reg_bad),
        "register_from_leader": sum(fallbacks(c, n) for n in ("a", "b")) - load.fallbacks0,
        "panel_reads": len(panel), "panel_503": sum(1 for p in panel if p[1] == 503),
        "panel_failures": len(panel_bad),
    }
    log(f"{what}: {fig['attempts']} filing attempts for {fig['filings']} filings, "
        f"{fig['acknowledged']} acknowledged (2xx), {fig['answered_503']} answered 503, "
        f"{fig['failed']} failed; slowest answer {slow:.1f} s; "
        f"register {fig['register_reads']} reads, {fig['register_failures']} not 200 "
        f"({fig['register_from_leader']} read from the leader, no replica reachable); "
        f"panel {fig['panel_reads']} reads, {fig['panel_503']} 503, "
        f"{fig['panel_failures']} failed")
    check(not bad, f"answers other than 2xx/503: {[(a[3], round(a[6], 1)) for a in bad][:8]}")
    check(not no_ra, f"{len(no_ra)} 503 answers without Retry-After")
    check(after, "no filing succeeded after the kill")
    check(len(after) >= 10, f"only {len(after)} filings after the kill")
    check(not panel_bad, f"panel answers: {panel_bad[:5]}")
    # Every 2xx in the database, read through the (new) leader.
    numbers = {a[5] for a in ok}
    keys_ok = {a[2] for a in ok}
    per_key = {}
    for a in ok:
        per_key.setdefault(a[2], set()).add(a[5])
    check(all(len(v) == 1 for v in per_key.values()), "a key answered with two case numbers")
    check(len(numbers) == len(keys_ok), f"{len(keys_ok)} keys acknowledged, {len(numbers)} numbers")
    found = int(c.psql("SELECT count(*) FROM requests WHERE case_number = ANY(string_to_array($$%s$$, ','))"
                       % ",".join(sorted(numbers))))
    fig["found"] = found
    log(f"{what}: {len(numbers)} acknowledged case numbers, {found} found afterwards in the database")
    check(found == len(numbers), f"{len(numbers)} acknowledged, only {found} in the database")
    check(not reg_bad, f"the register failed {len(reg_bad)} times: {[r[1] for r in reg_bad][:8]}")
    return fig


def check_numbers_and_audit(c):
    # Unique and gap-free per unit, class and year, and the counters agree.
    rows = c.psql("SELECT r.unit_id, r.case_class, r.case_year, count(*), count(DISTINCT r.case_seq), "
                  " min(r.case_seq), max(r.case_seq), max(k.last), "
                  " count(DISTINCT r.case_number) "
                  "FROM requests r JOIN case_counters k ON (k.unit_id, k.class, k.year) = "
                  " (r.unit_id, r.case_class, r.case_year) GROUP BY 1, 2, 3")
    for line in rows.split("\n"):
        u, cl, y, n, nd, lo, hi, last, nn = line.split("|")
        check(n == nd == nn and lo == "1" and hi == n and last == hi,
              f"case numbers of unit {u} {cl}/{y}: {n} cases, {nd} distinct, {lo}..{hi}, "
              f"counter {last}")
    rc, out = c.cli("audit", "verify")
    check(rc == 0, f"audit verify: {out.strip()[-500:]}")


def check_outbox_once(c, t_kill):
    """Each outbox message written exactly once (the .eml files against the
    rows, as tests/cluster checks), the batch a mail job had in flight when
    the primary died included: its claim was committed (synchronously
    replicated) before the sending, and the job marks what it sent once the
    new primary takes it (server/cases/outbox.c). Returns the number of
    messages written more than once (0 when the check passes)."""
    deadline = time.time() + 60
    while time.time() < deadline:
        if c.psql("SELECT count(*) FROM outbox WHERE status = 'pending'") == "0":
            break
        time.sleep(0.5)
    else:
        raise Failure("the outbox did not drain in 60 s")
    time.sleep(1)
    files = {}
    for f in os.listdir(c.mail_dir):
        m = re.fullmatch(r"(\d+)-\d+\.eml", f)
        if m:
            files.setdefault(int(m.group(1)), []).append(os.path.join(c.mail_dir, f))
    sent = {int(x) for x in c.psql("SELECT id FROM outbox WHERE status = 'sent'").split()}
    dup = sorted(i for i, fs in files.items() if len(fs) > 1)
    log(f"outbox: {len(sent)} messages sent, {sum(map(len, files.values()))} .eml files, "
        f"written more than once: {dup}")
    check(set(files) == sent, f".eml files vs sent rows: {sorted(set(files) ^ sent)[:10]}")
    check(not dup, f"{len(dup)} messages written more than once: {dup[:10]}")
    return len(dup)


def metrics_of(c, name):
    st, _, body = request(c.ports[name], "GET", "/metrics")
    check(st == 200, f"{name} /metrics: {st}")
    return promparse.parse(body)


def fallbacks(c, name):
    """Register reads the instance served from the leader, no replica reachable."""
    v = promparse.value(metrics_of(c, name), "jawnosc_db_replica_fallbacks_total")
    check(v is not None, f"{name}: no jawnosc_db_replica_fallbacks_total in /metrics")
    return int(v)


def wait_metric(c, name, metric, value, seconds):
    deadline = time.time() + seconds
    v = None
    while time.time() < deadline:
        v = promparse.value(metrics_of(c, name), metric)
        if v == value:
            return time.time()
        time.sleep(0.5)
    raise Failure(f"{name}: {metric} is {v}, not {value}, after {seconds} s")


def log_lines(name, pattern):
    with open(os.path.join(LOGS, f"{name}.log"), errors="replace") as f:
        return [l.strip() for l in f if re.search(pattern, l)]


# ---- the scenarios -------------------------------------------------------------

def dcs_settings(c):
    st, doc = c.rest(NODES[0], "/config")
    check(st == 200, f"GET /config: {st}")
    return doc


def t_cluster_as_shipped(c):
    m = c.members()
    log(f"members: {summary(m)}")
    check(healthy(m), "not leader + sync standby + replica")
    cfg = dcs_settings(c)
    for k, v in (("ttl", 30), ("loop_wait", 10), ("synchronous_mode", True),
                 ("synchronous_mode_strict", False)):
        check(cfg.get(k) == v, f"DCS {k} = {cfg.get(k)}, the shipped file says {v}")
    pg = cfg.get("postgresql", {})
    check(pg.get("use_pg_rewind") is True and pg.get("use_slots") is True, f"DCS postgresql: {pg}")
    lead = leader_of(m)
    check(c.psql("SHOW synchronous_standby_names", user="postgres", db="postgres",
                 port=c.ports[lead + "_pg"]) != "", "no synchronous standby named")
    hba = c.psql("SELECT type || ' ' || array_to_string(database, ',') || ' ' || "
                 "array_to_string(user_name, ',') || ' ' || coalesce(address, '') || ' ' || auth_method "
                 "FROM pg_hba_file_rules ORDER BY line_number", user="postgres", db="postgres",
                 port=c.ports[lead + "_pg"])
    log("pg_hba: " + "; ".join(hba.split("\n")))
    check("host replication replicator 127.0.0.1 scram-sha-256" in hba, "no replication line")
    # initdb's own lines come first: none may let anyone in without a password.
    check(" trust" not in hba, "a trust line in pg_hba.conf")


def scenario_leader(c, figures):
    m = c.members()
    old = leader_of(m)
    sync = sync_of(m)
    cfg = dcs_settings(c)
    inter, rise, fall = 3, 2, 3  # haproxy.cfg: default-server inter 3s fall 3 rise 2
    bound = cfg["ttl"] + cfg["loop_wait"] + rise * inter + 5
    load = Load(c)
    load.start()
    time.sleep(4)
    log(f"killing the leader {old} (sync standby {sync}): SIGKILL to Patroni and the postmaster")
    pm = c.postmaster_pid(old)
    t_kill = time.time()
    c.kill(f"{old}.patroni", signal.SIGKILL)
    os.kill(pm, signal.SIGKILL)
    t_back = None
    while time.time() < t_kill + bound + 20:
        if primary_writable(c):
            t_back = time.time()
            break
        time.sleep(0.25)
    check(t_back, f"no writable primary behind HAProxy {bound + 20} s after the kill")
    gap = t_back - t_kill
    alive = [n for n in NODES if n != old]
    m = c.wait_roles(lambda m: leader_of(m) in alive, 30, alive)
    new = leader_of(m)
    log(f"new leader {new} after {gap:.1f} s without a primary (bound: ttl {cfg['ttl']} + "
        f"loop_wait {cfg['loop_wait']} + HAProxy rise {rise} x inter {inter} s + 5 s = {bound} s); "
        f"{summary(m)}")
    check(new == sync, f"{new} promoted, the synchronous standby was {sync}")
    check(gap <= bound, f"{gap:.1f} s without a primary, more than {bound} s")
    time.sleep(6)  # filing resumes by itself, for a while
    load.finish()
    fig = judge_load(c, load, t_kill, "leader killed")
    fig.update({"no_primary_s": gap, "bound_s": bound, "old_leader": old, "new_leader": new})
    figures["leader"] = fig
    check(fig["filing_gap_s"] <= bound + 5, f"filing stopped for {fig['filing_gap_s']:.1f} s")
    log(f"filing: longest time without a 2xx answer from the kill on: {fig['filing_gap_s']:.1f} s")
    check_numbers_and_audit(c)
    fig["mail_resent"] = check_outbox_once(c, t_kill)
    # The old leader's Patroni started again, nothing else done by hand.
    tl = m[new].get("timeline")
    t0 = time.time()
    c.start_patroni(old)
    m = c.wait_roles(lambda m: healthy(m) and m.get(old, {}).get("timeline") == tl
                     and old in streaming(c, new), 90)
    fig["rejoin_s"] = time.time() - t0
    rewound = log_lines(f"{old}.patroni", r"pg_rewind|rewind")
    log(f"{old} rejoined as {m[old]['role']} on timeline {tl} in {fig['rejoin_s']:.1f} s; "
        f"{summary(m)}; its log: {rewound[-1][:160] if rewound else 'no rewind line'}")
    check(any("rewind" in l.lower() for l in rewound), f"{old}: no pg_rewind in its log")


def scenario_standby(c, figures):
    m = c.members()
    lead, sync = leader_of(m), sync_of(m)
    other = [n for n in NODES if n not in (lead, sync)][0]
    for name in ("a", "b"):
        wait_metric(c, name, "jawnosc_db_standbys", 2, 15)
        check(promparse.value(metrics_of(c, name), "jawnosc_db_synchronous_standby") == 1,
              f"{name}: no synchronous standby in /metrics")
    load = Load(c)
    load.start()
    time.sleep(3)
    log(f"killing the synchronous standby {sync} (leader {lead}, replica {other})")
    pm = c.postmaster_pid(sync)
    t_kill = time.time()
    c.kill(f"{sync}.patroni", signal.SIGKILL)
    os.kill(pm, signal.SIGKILL)
    m = c.wait_roles(lambda m: sync_of(m) == other, 40, [lead, other])
    t_sync = time.time() - t_kill
    seen = wait_metric(c, "a", "jawnosc_db_standbys", 1, 20) - t_kill
    log(f"{other} is the synchronous standby {t_sync:.1f} s after the kill; /metrics showed "
        f"1 standby after {seen:.1f} s; {summary(m)}")
    # Then the last replica too: commits stop waiting for a standby
    # (synchronous_mode_strict false) and filing goes on on the leader alone.
    pm2 = c.postmaster_pid(other)
    t_kill2 = time.time()
    c.kill(f"{other}.patroni", signal.SIGKILL)
    os.kill(pm2, signal.SIGKILL)
    alone = wait_metric(c, "a", "jawnosc_db_synchronous_standby", 0, 40) - t_kill2
    wait_metric(c, "b", "jawnosc_db_standbys", 0, 20)
    log(f"both standbys gone: jawnosc_db_synchronous_standby 0 after {alone:.1f} s")
    time.sleep(5)
    load.finish()
    fig = judge_load(c, load, t_kill, "standbys killed")
    check(fig["register_from_leader"] > 0, "no register read from the leader with no replica left")
    fig.update({"sync_moved_s": t_sync, "metrics_s": seen, "async_after_s": alone})
    after = [a for a in load.attempts if a[0] > t_kill2 + alone + 1 and a[3] in (200, 201)]
    check(len(after) >= 5, f"only {len(after)} filings with the leader alone")
    figures["standby"] = fig
    for name in ("a", "b"):
        warns = log_lines(name, r"replication: .*standby")
        log(f"{name} log: {warns[-1][:200] if warns else 'nothing'}")
        check(any('"warn' in l.lower() or "warn" in l.lower() for l in warns),
              f"{name}: no replication warning in the log")
    check_numbers_and_audit(c)
    # Both come back.
    c.start_patroni(sync)
    c.start_patroni(other)
    m = c.wait_roles(lambda m: healthy(m) and len(streaming(c, lead)) == 2, 90)
    for name in ("a", "b"):
        wait_metric(c, name, "jawnosc_db_synchronous_standby", 1, 30)
        wait_metric(c, name, "jawnosc_db_standbys", 2, 30)
    log(f"both back: {summary(m)}")


def main():
    os.chdir(ROOT)
    t_start = time.time()
    passed, failed, figures = [], [], {}
    check_setup = []
    if os.getuid() != 0:
        check_setup.append("must run as root (Patroni runs as postgres, etcd and HAProxy as root)")
    for what, path in (("jawnosc", os.path.join(ROOT, BIN)), ("patroni", PATRONI), ("etcd", ETCD),
                       ("haproxy", HAPROXY)):
        if not os.path.exists(path):
            check_setup.append(f"{what} missing: {path} (deploy/deps.sh installs it)")
    if check_setup:
        for s in check_setup:
            print(f"[  ERROR   ] {s}")
        print("[  FAILED  ] 1 test(s)")
        return 1
    c = Cluster()

    def on_signal(signum, frame):
        raise Failure(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(Failure("watchdog: 600 s")))
    signal.alarm(600)
    try:
        try:
            t0 = time.time()
            shutil.copy(os.path.join(ROOT, "deploy", "backup", "wal-archive.sh"),
                        os.path.join(c.tmp, "wal-archive.sh"))
            os.chmod(os.path.join(c.tmp, "wal-archive.sh"), 0o755)
            os.makedirs(c.archive)
            shutil.chown(c.archive, "postgres", "postgres")
            c.start_etcd()
            for n in NODES:
                c.patroni_config(n)
            c.start_patroni("pg1")
            c.wait_roles(lambda m: leader_of(m) == "pg1", 90, ["pg1"])
            for n in NODES[1:]:
                c.start_patroni(n)
            c.start_haproxy()
            su = dict(user="postgres", db="postgres", port=c.ports["pg1_pg"])
            c.psql(f"CREATE ROLE jawnosc LOGIN CREATEROLE PASSWORD '{c.pw['app']}'", **su)
            c.psql("CREATE DATABASE jawnosc OWNER jawnosc", **su)
            c.wait_roles(healthy, 120)
            deadline = time.time() + 30
            while not primary_writable(c):
                check(time.time() < deadline, "HAProxy's primary port never reached the leader")
                time.sleep(0.5)
            for args in (("migrate",), ("seed", "--demo")):
                rc, out = c.cli(*args)
                check(rc == 0, f"{' '.join(args)}: {out}")
            c.start_instance("a")
            c.start_instance("b")
            print(f"[==========] failover: etcd :{c.ports['etcd_client']}, "
                  + ", ".join(f"{n} :{c.ports[n + '_pg']}/:{c.ports[n + '_rest']}" for n in NODES)
                  + f", haproxy :{c.ports['primary']}/:{c.ports['replica']}, "
                  f"a :{c.ports['a']}, b :{c.ports['b']} (set up in {time.time() - t0:.1f} s)",
                  flush=True)
        except Exception as e:  # noqa: BLE001
            print(f"[  ERROR   ] failover set-up: {e}")
            failed.append("failover_setup")
            raise SystemExit
        tests = [("cluster_as_shipped", t_cluster_as_shipped),
                 ("leader_killed", lambda c: scenario_leader(c, figures)),
                 ("sync_standby_killed", lambda c: scenario_standby(c, figures))]
        # After a failed leader scenario the cluster is in no known state.
        run_tests(tests, c, passed, failed, fatal={"leader_killed"})
    except (SystemExit, Failure) as e:
        if isinstance(e, Failure):
            print(f"[  ERROR   ] {e}")
            failed.append("interrupted")
    finally:
        signal.alarm(0)
        c.shutdown()
    with open(os.path.join(LOGS, "figures.json"), "w") as f:
        json.dump(figures, f, indent=1, default=str)
    return cmocka_summary(passed, failed, t_start)


if __name__ == "__main__":
    sys.exit(main())
