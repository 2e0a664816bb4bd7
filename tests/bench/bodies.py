#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""The bodymem scenario of `make bench`: memory held by request bodies.

    bodies.py HOST:PORT PID HOSTNAME OUT [CONNECTIONS]

For each kind of route (none: a path that does not exist; a short form; a
form with a long text; the JSON API; an upload), CONNECTIONS connections
(200) each declare a body of the route's limit less one byte and send it
slowly, a slice per connection per round, so that all of them are in flight
at once; the server's VmRSS is sampled from /proc/PID/status every 20 ms and
VmHWM reset before each kind (clear_refs). One "key=value ..." line per kind
to OUT: name, limit, connections, the statuses answered (413:200 ...),
baseline_kb, peak_kb (highest VmRSS sampled), hwm_kb, seconds.
"""
import collections
import selectors
import socket
import sys
import threading
import time

KB, MB = 1024, 1024 * 1024
ROUNDS = 40          # slices of each body
ROUND_PAUSE = 0.05   # seconds between rounds: about 2 s of sending in all

# name, method, path, content type, limit (the server's, http/server.h)
KINDS = [
    ("none", "POST", "/nie-ma-takiej-strony", "text/plain", 8 * MB),
    ("form", "POST", "/panel/logowanie", "application/x-www-form-urlencoded", 64 * KB),
    ("text", "POST", "/sprawa/nieznany-token/czynnosc", "application/x-www-form-urlencoded", 1 * MB),
    ("json", "POST", "/api/v1/requests", "application/json", 256 * KB),
    ("upload", "POST", "/wniosek", "multipart/form-data; boundary=BeNcH", 8 * MB),
]


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, False

    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, status_kb(self.pid, "VmRSS"))
            except OSError:
                return
            time.sleep(0.02)


def body_of(kind, size):
    if kind == "upload":
        head = (b"--BeNcH\r\nContent-Disposition: form-data; name=\"attachment\"; "
                b"filename=\"skan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n")
        tail = b"\r\n--BeNcH--\r\n"
        return head + b"A" * (size - len(head) - len(tail)) + tail
    if kind == "json":
        return b"{\"content\":\"" + b"a" * (size - 14) + b"\"}"
    if kind in ("form", "text"):
        return b"text=" + b"a" * (size - 5)
    return b"a" * size


def run_kind(addr, pid, hostname, kind, n):
    name, method, path, ctype, limit = kind
    size = limit - 1
    body = body_of(name, size)
    assert len(body) == size
    head = (f"{method} {path} HTTP/1.1\r\nHost: {hostname}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {size}\r\nConnection: close\r\n\r\n").encode()
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    baseline = status_kb(pid, "VmRSS")
    sampler = Sampler(pid)
    sampler.start()
    t0 = time.monotonic()
    sel = selectors.DefaultSelector()
    conns = {}
    for _ in range(n):
        s = socket.create_connection(addr)
        s.sendall(head)
        s.setblocking(False)
        conns[s] = {"sent": 0, "answer": b"", "open": True}
        sel.register(s, selectors.EVENT_READ)
    step = max(1, size // ROUNDS + 1)
    statuses = collections.Counter()

    def settle(s, c):
        line = c["answer"].split(b"\r\n", 1)[0].split()
        statuses[line[1].decode() if len(line) > 1 else "closed"] += 1
        c["open"] = False
        sel.unregister(s)
        s.close()

    def read_ready(timeout):
        for key, _ in sel.select(timeout):
            s, c = key.fileobj, conns[key.fileobj]
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                data = b""
            if data:
                c["answer"] += data
            else:
                settle(s, c)

    while any(c["open"] and c["sent"] < size for c in conns.values()):
        for s, c in list(conns.items()):
            if not c["open"] or c["sent"] >= size:
                continue
            try:
                k = s.send(body[c["sent"]:c["sent"] + step])
                c["sent"] += k
            except (BlockingIOError, InterruptedError):
                pass
            except (BrokenPipeError, ConnectionResetError):
                c["sent"] = size  # answered early and closed: read what it said
        read_ready(ROUND_PAUSE)
    deadline = time.monotonic() + 60
    while any(c["open"] for c in conns.values()) and time.monotonic() < deadline:
        read_ready(0.2)
    for s, c in conns.items():
        if c["open"]:
            statuses["unanswered"] += 1
            s.close()
    sampler.stop = True
    sampler.join()
    hwm = status_kb(pid, "VmHWM")
    st = ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
    return (f"name={name} limit={limit} connections={n} statuses={st} baseline_kb={baseline} "
            f"peak_kb={max(sampler.peak, baseline)} hwm_kb={hwm} seconds={time.monotonic() - t0:.1f}")


def main():
    hostport, pid, hostname, out = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    host, port = hostport.rsplit(":", 1)
    lines = []
    for kind in KINDS:
        line = run_kind((host, int(port)), int(pid), hostname, kind, n)
        print("bodymem: " + line, file=sys.stderr)
        lines.append(line)
        time.sleep(1)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
