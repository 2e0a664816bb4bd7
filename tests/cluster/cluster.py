#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""The scale-out test (make test-cluster; run by tests/run.sh through
tests/cluster/run.sh): two `jawnosc serve` instances against one fresh
PostgreSQL database, behind nginx (Debian's, started as a process with its
own configuration on a loopback port; round robin), and, when pgbouncer is
installed, through PgBouncer in transaction pooling mode. Everything is on
loopback; every wait is bounded.

Checks: both instances serve through nginx; a staff member signs in on one
and continues (page views and a CSRF-protected POST) on the other; a
request filed on one is visible on the other; the mail job of both
instances, sharing one outbox and one mail folder, sends every message
exactly once; stopping one instance with SIGTERM while filings flow loses
no answered filing (clients retry 502s with the same Idempotency-Key, and
no key files twice) while nginx keeps serving from the other; /metrics of
each instance parses strictly and is refused through the proxy; the audit
chain verifies afterwards.

Prints cmocka-style lines; "[  PASSED  ] N test(s)." at the end.
Environment: PGHOST/PGPORT/PGUSER[/PGPASSWORD] for the PostgreSQL server
(tests/cluster/run.sh sets them), JAWNOSC_BIN (default bin/jawnosc-asan, else
bin/jawnosc), JAWNOSC_CLUSTER_PGBOUNCER=0 to skip PgBouncer.
"""
import http.client
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promparse  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOGS = os.path.join(ROOT, "build", "test-logs", "cluster")
BIN = os.environ.get("JAWNOSC_BIN") or (
    "bin/jawnosc-asan" if os.path.exists(os.path.join(ROOT, "bin/jawnosc-asan")) else "bin/jawnosc")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
DEMO_EMAIL, DEMO_PASSWORD = "urzednik@mon.example", "jawnosc-demo"
FILING = {"kind": "public_information", "subject": "Wydatki na promocję",
          "content": "Proszę o zestawienie wydatków na promocję w 2025 r.",
          "delivery": "email", "requester": {"email": "jan.kowalski@example.org"}}


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


# ---- processes ----------------------------------------------------------------

class Cluster:
    def __init__(self):
        os.makedirs(LOGS, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="jawnosc-cluster-")
        os.chmod(self.tmp, 0o755)
        self.db = f"jawnosc_cluster_{os.getpid()}"
        self.procs = {}      # name -> Popen
        self.ports = {}      # name -> port
        self.logs = {}       # name -> stderr log path
        self.mail_dir = os.path.join(self.tmp, "mail")
        self.pgbouncer_port = None

    # PostgreSQL through libpq's environment (PGHOST, PGPORT, PGUSER, ...).
    def psql(self, sql, db=None):
        # The statement goes on standard input: a list of every case number
        # filed during a test can outgrow one argument (128 KiB on Linux).
        r = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", db or self.db],
                           input=sql, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Failure(f"psql: {sql[:300]}: {r.stderr.strip()}")
        return r.stdout.strip()

    def direct_url(self):
        parts = {"dbname": self.db}
        for env, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user"),
                         ("PGPASSWORD", "password")):
            if os.environ.get(env):
                parts[key] = os.environ[env]
        return " ".join(f"{k}='{v}'" for k, v in parts.items())

    def cli(self, *args, url=None):
        env = dict(os.environ, DATABASE_URL=url or self.direct_url())
        r = subprocess.run([BIN, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
        return r.returncode, r.stdout + r.stderr

    def create_db(self):
        self.psql(f"DROP DATABASE IF EXISTS {self.db}", "postgres")
        self.psql(f"CREATE DATABASE {self.db}", "postgres")
        rc, out = self.cli("migrate")
        check(rc == 0, f"migrate: {out}")
        rc, out = self.cli("seed", "--demo")
        check(rc == 0, f"seed: {out}")

    def drop_db(self):
        try:
            self.psql(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)", "postgres")
        except Exception as e:  # noqa: BLE001
            print(f"warning: {e}")

    def start_pgbouncer(self):
        """PgBouncer in transaction mode between the instances and PostgreSQL.
        It refuses to run as root: as root it runs as the postgres user."""
        host = os.environ.get("PGHOST", "/var/run/postgresql")
        port = os.environ.get("PGPORT", "5432")
        user = os.environ.get("PGUSER") or pwd.getpwuid(os.getuid()).pw_name
        pw = os.environ.get("PGPASSWORD")
        d = os.path.join(self.tmp, "pgbouncer")
        os.makedirs(d)
        self.pgbouncer_port = free_port()
        conn = f"host={host} port={port} dbname={self.db} user={user}"
        if pw:
            conn += f" password={pw}"
        with open(os.path.join(d, "pgbouncer.ini"), "w") as f:
            f.write(f"""[databases]
{self.db} = {conn}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.pgbouncer_port}
unix_socket_dir =
auth_type = any
admin_users = {user}
pool_mode = transaction
max_client_conn = 200
default_pool_size = 20
server_reset_query =
ignore_startup_parameters = extra_float_digits
pidfile = {d}/pgbouncer.pid
logfile =
""")
        cmd = [PGBOUNCER, os.path.join(d, "pgbouncer.ini")]
        if os.getuid() == 0:
            shutil.chown(d, "postgres", "postgres")
            for name in os.listdir(d):
                shutil.chown(os.path.join(d, name), "postgres", "postgres")
            # setpriv execs: the pid is PgBouncer's own, signals reach it.
            cmd = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + cmd
        log = os.path.join(LOGS, "pgbouncer.log")
        self.procs["pgbouncer"] = subprocess.Popen(cmd, stdout=open(log, "w"),
                                                   stderr=subprocess.STDOUT)
        self.logs["pgbouncer"] = log
        wait_port(self.pgbouncer_port, 15, "pgbouncer")

    def pooled_url(self):
        user = os.environ.get("PGUSER") or pwd.getpwuid(os.getuid()).pw_name
        return f"host=127.0.0.1 port={self.pgbouncer_port} dbname={self.db} user={user}"

    def start_instance(self, name, nginx_port):
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.pooled_url() if self.pgbouncer_port else self.direct_url(),
            # Transaction pooling: no statements prepared per connection.
            "JAWNOSC_DB_PREPARE": "0" if self.pgbouncer_port else "1",
            # and no page cache: its listener's LISTEN needs a session.
            "JAWNOSC_PAGE_CACHE_MB": "0" if self.pgbouncer_port else "32",
            "JAWNOSC_LISTEN": "127.0.0.1:0",
            "JAWNOSC_THREADS": "2",
            "JAWNOSC_ACCESS_LOG": os.path.join(LOGS, f"{name}.access.log"),
            "JAWNOSC_MAIL_DIR": self.mail_dir,
            "JAWNOSC_MAIL_POLL_MS": "100",
            "JAWNOSC_REMIND_POLL_MS": "200",
            "JAWNOSC_FILING_RATE": "1000000",
            "JAWNOSC_TRUSTED_PROXY": "127.0.0.1",
            "JAWNOSC_SHUTDOWN_GRACE": "10",
            "JAWNOSC_BASE_URL": f"http://127.0.0.1:{nginx_port}",
        })
        env.pop("JAWNOSC_SMTP_URL", None)
        log = os.path.join(LOGS, f"{name}.log")
        open(env["JAWNOSC_ACCESS_LOG"], "w").close()
        p = subprocess.Popen([BIN, "serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=open(log, "w"))
        self.procs[name], self.logs[name] = p, log
        line = b""
        deadline = time.time() + 60
        while not line.endswith(b"\n") and time.time() < deadline:
            r, _, _ = select.select([p.stdout], [], [], 1)
            if r:
                b = os.read(p.stdout.fileno(), 1)
                if not b:
                    break
                line += b
        m = re.search(rb"http://127\.0\.0\.1:(\d+)/", line)
        check(m, f"{name} did not start: {line!r}; see {log}")
        self.ports[name] = int(m.group(1))
        for _ in range(200):
            if request(self.ports[name], "GET", "/healthz")[0] == 200:
                return
            time.sleep(0.05)
        raise Failure(f"{name}: /healthz never answered")

    def start_nginx(self, port, upstreams):
        d = os.path.join(self.tmp, "nginx")
        os.makedirs(d)
        user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.getuid() == 0 else ""
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;"
                            for p in upstreams)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""{user}
worker_processes 1;
pid {d}/nginx.pid;
error_log {LOGS}/nginx.error.log warn;
events {{ worker_connections 512; }}
http {{
  log_format up '$request_method $uri $status upstream=$upstream_addr';
  access_log {LOGS}/nginx.access.log up;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  client_max_body_size 8m;
  upstream jawnosc {{
{servers}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://jawnosc;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }}
  }}
}}
""")
        open(os.path.join(LOGS, "nginx.access.log"), "w").close()
        self.procs["nginx"] = subprocess.Popen(
            [NGINX, "-p", d, "-c", conf, "-e", os.path.join(LOGS, "nginx.error.log"),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=open(
                os.path.join(LOGS, "nginx.stderr.log"), "w"))
        self.ports["nginx"] = port
        wait_port(port, 15, "nginx")

    def stop(self, name, timeout=30):
        """SIGTERM and wait: the exit status (SIGKILL after `timeout`)."""
        p = self.procs.pop(name, None)
        if not p:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        return p.returncode

    def shutdown(self):
        for name in list(self.procs):
            self.stop(name, 15)
        self.drop_db()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def sanitizer_clean(self, name):
        with open(self.logs[name], errors="replace") as f:
            bad = [l for l in f if "Sanitizer" in l or "runtime error:" in l]
        check(not bad, f"{name}: sanitizer report: {bad[:3]}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Failure(f"{what} is not listening on {port}")


# ---- HTTP ----------------------------------------------------------------------

def request(port, method, path, headers=None, body=None, timeout=30):
    """(status, {lower-case name: [values]}, body text); status -1 when the
    connection fails."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        hs = {}
        for k, v in r.getheaders():
            hs.setdefault(k.lower(), []).append(v)
        return r.status, hs, r.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return -1, {}, ""
    finally:
        c.close()


def cookie_from(headers, name):
    for v in headers.get("set-cookie", []):
        pair = v.split(";", 1)[0]
        if pair.startswith(name + "="):
            return pair
    return None


def csrf_of(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    return m.group(1) if m else None


def file_request(port, key=None, timeout=30):
    h = {"Content-Type": "application/json"}
    if key:
        h["Idempotency-Key"] = key
    st, _, body = request(port, "POST", "/api/v1/requests", h, json.dumps(FILING), timeout)
    doc = json.loads(body) if st in (200, 201) else None
    return st, doc


def sign_in(port_form, port_post):
    """Signs in: the form from one port, the POST to another. Returns the
    session cookie pair."""
    st, hs, html = request(port_form, "GET", "/panel/logowanie")
    check(st == 200, f"sign-in form: {st}")
    form_cookie, csrf = cookie_from(hs, "jw_form"), csrf_of(html)
    check(form_cookie and csrf, "sign-in form without cookie or csrf")
    body = urllib.parse.urlencode({"csrf": csrf, "next": "", "email": DEMO_EMAIL,
                                   "password": DEMO_PASSWORD})
    st, hs, _ = request(port_post, "POST", "/panel/logowanie",
                        {"Content-Type": "application/x-www-form-urlencoded",
                         "Cookie": form_cookie}, body)
    check(st == 303, f"sign-in POST: {st}")
    session = cookie_from(hs, "jw_session")
    check(session, "no jw_session cookie")
    return session


def upstreams_for(path_prefix, since_line=0):
    """Upstream ports nginx used for requests whose path starts with the prefix."""
    ports = []
    with open(os.path.join(LOGS, "nginx.access.log")) as f:
        for i, line in enumerate(f):
            if i < since_line:
                continue
            parts = line.split()
            if len(parts) >= 4 and parts[1].startswith(path_prefix):
                for m in re.finditer(r"127\.0\.0\.1:(\d+)", parts[3]):
                    ports.append(int(m.group(1)))
    return ports


def nginx_log_lines():
    with open(os.path.join(LOGS, "nginx.access.log")) as f:
        return sum(1 for _ in f)


# ---- the tests -------------------------------------------------------------------

def t_both_instances_ready(c):
    for name in ("a", "b"):
        st, _, body = request(c.ports[name], "GET", "/readyz")
        check(st == 200, f"{name} /readyz: {st} {body}")
    st, _, _ = request(c.ports["nginx"], "GET", "/readyz")
    check(st == 200, f"nginx /readyz: {st}")


def t_nginx_alternates_between_instances(c):
    mark = nginx_log_lines()
    for i in range(20):
        st, _, _ = request(c.ports["nginx"], "GET", "/wniosek")
        check(st == 200, f"GET /wniosek #{i} through nginx: {st}")
    used = upstreams_for("/wniosek", mark)
    a, b = used.count(c.ports["a"]), used.count(c.ports["b"])
    check(a >= 5 and b >= 5, f"round robin: {a} requests on a, {b} on b")
    for name in ("a", "b"):
        with open(os.path.join(LOGS, f"{name}.access.log")) as f:
            check(any('"path":"/wniosek"' in l for l in f), f"{name} logged no /wniosek")


def t_session_moves_between_instances(c):
    # The sign-in form from a, the POST to b: the form's CSRF cookie is
    # checked against the database's secret, not the process.
    session = sign_in(c.ports["a"], c.ports["b"])
    hdr = {"Cookie": session}
    for name in ("a", "b"):
        st, _, html = request(c.ports[name], "GET", "/panel/konto", hdr)
        check(st == 200 and DEMO_EMAIL in html, f"/panel/konto on {name}: {st}")
    # Through nginx, alternately on both.
    mark = nginx_log_lines()
    for _ in range(6):
        st, _, html = request(c.ports["nginx"], "GET", "/panel/konto", hdr)
        check(st == 200 and DEMO_EMAIL in html, f"/panel/konto through nginx: {st}")
    used = set(upstreams_for("/panel/konto", mark))
    check(used == {c.ports["a"], c.ports["b"]}, f"session used on {used}")
    # A CSRF-protected step on b with the token of the page a rendered.
    st, _, queue = request(c.ports["a"], "GET", "/panel", hdr)
    check(st == 200, f"/panel on a: {st}")
    csrf, m = csrf_of(queue), re.search(r'href="/panel/sprawy/(\d+)"', queue)
    check(csrf and m, "queue without csrf or cases")
    marker = f"notatka-klastra-{uuid.uuid4().hex[:8]}"
    st, hs, _ = request(c.ports["b"], "POST", f"/panel/sprawy/{m.group(1)}/notatka",
                        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session},
                        urllib.parse.urlencode({"csrf": csrf, "text": marker}))
    check(st == 303, f"note on b: {st}")
    n = c.psql(f"SELECT count(*) FROM events e WHERE action = 'note' AND event_data(e)::text LIKE '%{marker}%'")
    check(n == "1", f"note stored {n} times")
    check(c.psql("SELECT count(*) FROM sessions") != "0", "no session row")


def t_filing_on_one_visible_on_other(c):
    st, doc = file_request(c.ports["a"])
    check(st == 201, f"filing on a: {st}")
    st, _, body = request(c.ports["b"], "GET", f"/api/v1/requests/{doc['tracking_token']}")
    check(st == 200, f"read on b: {st}")
    check(json.loads(body).get("case_number") == doc["case_number"], "another case on b")
    st, _, html = request(c.ports["b"], "GET", f"/sprawa/{doc['tracking_token']}")
    check(st == 200 and doc["case_number"] in html, f"tracking page on b: {st}")


def eml_ids():
    ids = []
    for name in os.listdir(CLUSTER.mail_dir):
        m = re.fullmatch(r"(\d+)-\d+\.eml", name)
        if m:
            ids.append(int(m.group(1)))
    return ids


def wait_outbox_drained(c, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if c.psql("SELECT count(*) FROM outbox WHERE status = 'pending'") == "0":
            return True
        time.sleep(0.2)
    return False


def sent_log_ids(name):
    with open(CLUSTER.logs[name], errors="replace") as f:
        return [int(m.group(1)) for l in f for m in [re.search(r"mail (\d+) sent", l)] if m]


def t_mail_sent_exactly_once(c):
    n = 30
    cases = []
    for i in range(n):
        st, doc = file_request(c.ports["nginx"])
        check(st == 201, f"filing #{i} through nginx: {st}")
        cases.append(doc["case_number"])
    # A job may queue more mail meanwhile (reminders): compare once the
    # outbox is drained and the files and the rows agree, or fail after 3 tries.
    for attempt in range(3):
        check(wait_outbox_drained(c, 60), "the outbox did not drain in 60 s")
        ids = eml_ids()
        sent = {int(x) for x in c.psql("SELECT id FROM outbox WHERE status = 'sent'").split()}
        if set(ids) == sent:
            break
        time.sleep(0.5)
    check(len(ids) == len(set(ids)), f"a message written twice: {sorted(ids)}")
    check(set(ids) == sent, f".eml files {len(ids)} vs sent rows {len(sent)}")
    ours = c.psql("SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id "
                  "WHERE o.status = 'sent' AND r.case_number IN (%s)"
                  % ",".join(f"'{x}'" for x in cases))
    check(int(ours) >= n, f"only {ours} of {n} acknowledgements sent")
    logged = sent_log_ids("a") + sent_log_ids("b")
    check(len(logged) == len(set(logged)), "an instance logged a message another also sent")
    check(set(logged) == sent, "the logs and the outbox disagree")
    print(f"    mail: {len(sent)} messages, {len(sent_log_ids('a'))} sent by a, "
          f"{len(sent_log_ids('b'))} by b")


def t_no_duplicate_messages(c):
    # Jobs that queue mail of their own (reminders, digests) run on both
    # instances: none may queue the same message twice.
    dup = c.psql("SELECT count(*) FROM (SELECT recipient, subject, body FROM outbox "
                 "GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
    check(dup == "0", f"{dup} messages queued more than once")


def t_reminders_queued_once(c):
    # The reminder job runs on both instances every 200 ms; the demo data
    # has overdue cases, so there are reminders to queue, each exactly once.
    if c.psql("SELECT to_regclass('reminders') IS NOT NULL") != "t":
        print("    no reminders table in this version: nothing to check")
        return
    deadline = time.time() + 15
    while time.time() < deadline and c.psql("SELECT count(*) FROM reminders") == "0":
        time.sleep(0.2)
    rows = int(c.psql("SELECT count(*) FROM reminders"))
    check(rows > 0, "no reminder was queued")
    time.sleep(0.5)  # a few more rounds of both jobs
    rows = int(c.psql("SELECT count(*) FROM reminders"))
    logged = {}
    for name in ("a", "b"):
        with open(c.logs[name], errors="replace") as f:
            logged[name] = sum(int(m.group(1)) for l in f
                               for m in [re.search(r"reminders: (\d+) queued", l)] if m)
    check(sum(logged.values()) == rows, f"logs say {logged}, the table has {rows}")
    print(f"    reminders: {rows} queued ({logged['a']} by a, {logged['b']} by b)")


def t_stop_one_instance_loses_nothing(c):
    results, lock, stop = [], threading.Lock(), threading.Event()

    def worker():
        while not stop.is_set():
            key = uuid.uuid4().hex
            for attempt in range(5):
                st, doc = file_request(c.ports["nginx"], key, timeout=30)
                if st in (502, 503, -1) and attempt < 4:
                    time.sleep(0.1)  # a client's retry, with the same key
                    continue
                break
            with lock:
                results.append((key, st, doc, attempt))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    t0 = time.time()
    rc = c.stop("a")
    stopped_in = time.time() - t0
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join(60)
    check(rc == 0, f"instance a exited with {rc}")
    c.sanitizer_clean("a")
    ok = [r for r in results if r[1] in (200, 201)]
    bad = [r for r in results if r[1] not in (200, 201)]
    retried = sum(1 for r in results if r[3] > 0)
    print(f"    {len(results)} filings, {len(ok)} answered 2xx, {retried} retried, "
          f"{len(bad)} failed; a stopped in {stopped_in:.2f} s")
    check(not bad, f"filings that never succeeded: {[(r[1]) for r in bad][:5]}")
    check(len(ok) >= 20, f"only {len(ok)} filings")
    numbers = [r[2]["case_number"] for r in ok]
    check(len(set(numbers)) == len(numbers), "two answers with one case number")
    found = c.psql("SELECT count(*) FROM requests WHERE case_number IN (%s)"
                   % ",".join(f"'{n}'" for n in numbers))
    check(int(found) == len(numbers), f"{len(numbers)} answered, {found} in the database")
    # Each Idempotency-Key filed once, retries included.
    keys = c.psql("SELECT count(*) || ' ' || count(DISTINCT request_id) FROM idempotency_keys "
                  "WHERE key_sha256 IN (%s)"
                  % ",".join(f"sha256(convert_to('api:{r[0]}', 'UTF8'))" for r in ok))
    check(keys.split() == [str(len(ok))] * 2, f"{len(ok)} keys, {keys} (keys, requests)")
    # nginx goes on serving from b alone.
    for i in range(10):
        st, _ = file_request(c.ports["nginx"])
        check(st == 201, f"filing #{i} after the stop: {st}")
        st, _, _ = request(c.ports["nginx"], "GET", "/wniosek")
        check(st == 200, f"GET after the stop: {st}")


def t_metrics_of_each_instance(c):
    for name in [n for n in ("a", "b") if n in c.procs]:
        st, hs, body = request(c.ports[name], "GET", "/metrics")
        check(st == 200, f"{name} /metrics: {st}")
        check(hs.get("content-type", [""])[0].startswith("text/plain; version=0.0.4"),
              f"content type {hs.get('content-type')}")
        try:
            s = promparse.parse(body)
        except ValueError as e:
            raise Failure(f"{name} /metrics does not parse: {e}") from None
        check(promparse.total(s, "jawnosc_http_requests_total") > 10, "counters did not move")
        check(promparse.value(s, "jawnosc_database_up") == 1, "database_up is not 1")
        check(promparse.value(s, "jawnosc_outbox_messages", status="pending") is not None,
              "no outbox gauge")
        promtool = shutil.which("promtool")
        if promtool:
            r = subprocess.run([promtool, "check", "metrics"], input=body, text=True,
                               capture_output=True)
            check(r.returncode == 0, f"promtool: {r.stdout}{r.stderr}")
    # Through the proxy /metrics is not served (X-Forwarded-For is present).
    st, _, _ = request(c.ports["nginx"], "GET", "/metrics")
    check(st == 404, f"/metrics through nginx: {st}")


def t_pgbouncer_transaction_pooling(c):
    if not c.pgbouncer_port:
        print("    pgbouncer not installed: the instances used PostgreSQL directly")
        return
    r = subprocess.run(["psql", "-X", "-qAt", "-h", "127.0.0.1", "-p", str(c.pgbouncer_port),
                        "-d", "pgbouncer", "-c", "SHOW POOLS"], capture_output=True, text=True,
                       timeout=30, env=dict(os.environ, PGHOST="127.0.0.1"))
    check(r.returncode == 0, f"SHOW POOLS: {r.stderr}")
    rows = [l.split("|") for l in r.stdout.split("\n") if l.startswith(c.db + "|")]
    check(rows and rows[0][-1] == "transaction", f"pool mode: {rows}")
    print(f"    pgbouncer pool: {rows[0]}")


def t_audit_chain_verifies(c):
    rc, out = c.cli("audit", "verify")
    check(rc == 0, f"audit verify: {out}")


TESTS = [t_both_instances_ready, t_nginx_alternates_between_instances,
         t_session_moves_between_instances, t_filing_on_one_visible_on_other,
         t_mail_sent_exactly_once, t_reminders_queued_once, t_no_duplicate_messages,
         t_metrics_of_each_instance,
         t_stop_one_instance_loses_nothing, t_pgbouncer_transaction_pooling,
         t_audit_chain_verifies]

CLUSTER = None


def main():
    global CLUSTER
    os.chdir(ROOT)
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(Failure("watchdog: 240 s")))
    signal.alarm(240)
    passed, failed = [], []
    c = CLUSTER = Cluster()
    t_start = time.time()
    try:
        try:
            check(os.path.exists(os.path.join(ROOT, BIN)), f"{BIN} is not built")
            check(os.path.exists(NGINX), "nginx is missing (deploy/deps.sh installs it)")
            c.create_db()
            use_bouncer = os.environ.get("JAWNOSC_CLUSTER_PGBOUNCER", "1") != "0"
            if use_bouncer and os.path.exists(PGBOUNCER):
                c.start_pgbouncer()
            nginx_port = free_port()
            c.start_instance("a", nginx_port)
            c.start_instance("b", nginx_port)
            c.start_nginx(nginx_port, [c.ports["a"], c.ports["b"]])
        except Exception as e:  # noqa: BLE001
            print(f"[  ERROR   ] cluster set-up: {e}")
            failed.append("cluster_setup")
            raise SystemExit
        print(f"[==========] cluster: a :{c.ports['a']}, b :{c.ports['b']}, nginx :{nginx_port}"
              + (f", pgbouncer :{c.pgbouncer_port}" if c.pgbouncer_port else "")
              + f" ({BIN})")
        run_tests(TESTS, c, passed, failed)
        for name in ("b",):
            if name in c.procs:
                rc = c.stop(name)
                if rc != 0:
                    print(f"[  ERROR   ] instance {name} exited with {rc}")
                    failed.append(f"stop_{name}")
                else:
                    try:
                        c.sanitizer_clean(name)
                    except Failure as e:
                        print(f"[  ERROR   ] {e}")
                        failed.append(f"sanitizer_{name}")
    except SystemExit:
        pass
    finally:
        signal.alarm(0)
        c.shutdown()
    return cmocka_summary(passed, failed, t_start)


def run_tests(tests, arg, passed, failed, fatal=()):
    """Runs each test (a function t_name, or a (name, function) pair) on
    `arg` with cmocka-style lines; its name into `passed` or `failed`. A
    failed test named in `fatal` leaves things in no known state: the rest
    are not run."""
    for t in tests:
        name, t = t if isinstance(t, tuple) else (t.__name__[2:], t)
        print(f"[ RUN      ] {name}", flush=True)
        t0 = time.time()
        try:
            t(arg)
            print(f"[       OK ] {name} ({time.time() - t0:.1f} s)", flush=True)
            passed.append(name)
        except Exception as e:  # noqa: BLE001
            print(f"[  ERROR   ] {name}: {e}")
            print(f"[  FAILED  ] {name}", flush=True)
            failed.append(name)
            if name in fatal:
                break


def cmocka_summary(passed, failed, t_start):
    """cmocka's summary lines (tests/run.sh counts them); the exit status."""
    print(f"[==========] {len(passed) + len(failed)} test(s) run ({time.time() - t_start:.1f} s).")
    print(f"[  PASSED  ] {len(passed)} test(s).")
    if failed:
        print(f"[  FAILED  ] {len(failed)} test(s), listed below:")
        for f in failed:
            print(f"[  FAILED  ] {f}")
        print(f"\n {len(failed)} FAILED TEST(S)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
