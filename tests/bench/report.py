#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Tables of `make bench` and `make bench-soak` (tests/bench/run.sh).

    report.py bench RESULTS_DIR DOC   prints the table, writes DOC (keeps its soak section)
    report.py soak RESULTS_DIR DOC    prints the verdict, replaces DOC's soak section;
                                      exit 1 on errors or RSS growth over 5 %

RESULTS_DIR holds what run.sh wrote: one "key=value ..." line per scenario
(<name>.txt), pgbench.txt, nginx.txt, machine.txt, data.txt, seed.txt and the
top statements of each scenario (<name>.sql). DOC empty: print only.
"""
import os
import statistics
import sys

SOAK_BEGIN = "<!-- soak:begin -->"
SOAK_END = "<!-- soak:end -->"

SCENARIOS = [
    ("register_list", "Register list", "GET /rejestr"),
    ("register_item", "Register detail", "GET /rejestr/<case number>"),
    ("register_item_cold", "Register detail, not kept", "GET /rejestr/<case number> (not in memory)"),
    ("register_search", "Register search", "GET /rejestr?q=<words>"),
    ("register_atom", "Atom feed", "GET /rejestr.atom"),
    ("tracking", "Tracking page", "GET /sprawa/<token>"),
    ("filing", "Filing a request", "POST /api/v1/requests (JSON, durable commit)"),
    ("queue", "Clerk queue", "GET /panel (signed in)"),
    ("dashboard", "Manager dashboard", "GET /panel/pulpit (whole body)"),
    ("static", "Static file (HTTP layer alone)", "GET /static/style.css"),
]


def kv_line(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for tok in f.read().split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                out[k] = v
    return out


def kv_lines(path, sep="="):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if sep in line:
                k, v = line.split(sep, 1)
                out[k] = v
    return out


def num(d, k, default=0.0):
    try:
        return float(d.get(k, default))
    except ValueError:
        return default


def errors(d):
    return int(sum(num(d, k) for k in ("connect", "read", "write", "status", "timeout")))


def rate(d):
    dur = num(d, "duration_us")
    return num(d, "requests") * 1e6 / dur if dur else 0.0


def ms(us):
    v = float(us) / 1000.0
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def ratio(a, b):
    if not b:
        return "–"
    r = a / b
    return f"{r * 100:.1f} %" if r >= 0.01 else f"{r * 100:.2f} %"


def fmt_int(v):
    return f"{int(round(v)):,}".replace(",", " ")


def cpu_shares(d):
    """Busy share of the machine, the server's, PostgreSQL's, the rest
    (wrk and anything else running), in % of all CPUs over the run."""
    clk, ncpu = num(d, "clk", 100), num(d, "ncpu", 1)
    dur = num(d, "window_ms") / 1e3 or num(d, "duration_us") / 1e6 or num(d, "seconds", 1)
    total = clk * ncpu * dur
    if not total:
        return None
    # A PostgreSQL process that exits during the run takes its ticks with
    # it (the sum over processes can even go down): never below zero.
    busy, srv, pg = num(d, "cpu_busy"), num(d, "cpu_server"), max(num(d, "cpu_pg"), 0)
    return (100 * busy / total, 100 * srv / total, 100 * pg / total, 100 * max(busy - srv - pg, 0) / total)


def per_request_us(d, key):
    n = num(d, "requests")
    return max(num(d, key), 0) / num(d, "clk", 100) * 1e6 / n if n else 0.0


def cache_misses(d):
    """Page cache misses per request of the run (a register page is one
    lookup, so 0.00 is every page from memory, 1.00 every one drawn)."""
    n = num(d, "requests")
    return f"{num(d, 'pc_misses') / n:.2f}" if n and "pc_misses" in d else "–"


def hits(d):
    h, r = num(d, "blks_hit"), num(d, "blks_read")
    return f"{100 * h / (h + r):.2f} %" if h + r else "–"


def read_sql(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 4:
                    rows.append((parts + ["0", ""])[:6])
    return rows


def prefixed(d, prefix):
    """The fields of one run inside a combined line (search_attack.txt)."""
    return {k[len(prefix):]: v for k, v in d.items() if k.startswith(prefix)}


ATTACK_RUNS = [
    ("alone_", "normal page alone", "`GET /rejestr?po_dacie=…&po_id=…` (not kept), 4 connections"),
    ("one_bad_", "bad search, one address", "`GET /rejestr?q=%_%_…` (200 characters, each different), 16 connections"),
    ("one_normal_", "normal page beside it", "4 connections at the same time"),
    ("many_bad_", "bad search, a million addresses", "the same from random `X-Forwarded-For`"),
    ("many_normal_", "normal page beside it", "4 connections at the same time"),
]


def search_attack(res):
    """The lines of the search_attack section (empty when not run)."""
    d = kv_line(os.path.join(res, "search_attack.txt"))
    if d.get("available") != "1":
        return [], d
    L = ["## An expensive anonymous search beside a normal page", ""]
    L.append("The search of the security report (issue 16): `q=` of `%_` repeated to 200 characters, which "
             "once made PostgreSQL read the whole trigram index (1.5 s at 100 000 published cases, and 16 "
             "such clients made an ordinary register page take 7–13 s). 16 connections send it while 4 "
             "connections ask for register pages that are not kept (a keyset page from a random day and "
             "id: one index scan and 50 rows); first all from one address, which `JAWNOSC_SEARCH_RATE` "
             "answers with 429 past its count a minute, then from a million addresses in "
             "`X-Forwarded-For`, where only the query's own cost (a literal look at the subjects of the "
             "newest 2 000 rows) protects the rest. \"non-2xx\" counts the 429 answers. The normal "
             "page alone, before, is the baseline.")
    L.append("")
    L.append("| run | request | req/s | p50 ms | p99 ms | non-2xx | other errors |")
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for prefix, title, what in ATTACK_RUNS:
        r = prefixed(d, prefix)
        other = int(sum(num(r, k) for k in ("connect", "read", "write", "timeout")))
        L.append(f"| {title} | {what} | {fmt_int(rate(r))} | {ms(num(r, 'p50_us'))} | {ms(num(r, 'p99_us'))} | "
                 f"{int(num(r, 'status'))} | {other} |")
    L.append("")
    return L, d


BODY_KINDS = {
    "none": "no body taken (an unknown path)",
    "form": "short form (`POST /panel/logowanie`)",
    "text": "form with a long text (`POST /sprawa/<token>/czynnosc`)",
    "json": "JSON API (`POST /api/v1/requests`)",
    "upload": "upload (`POST /wniosek`, multipart)",
}
BODY_RSS_TARGET_MB = 150


def body_rows(res):
    """bodymem.txt (tests/bench/bodies.py): one line per kind of route."""
    path = os.path.join(res, "bodymem.txt")
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = dict(t.split("=", 1) for t in line.split() if "=" in t)
                if d.get("name"):
                    rows.append(d)
    return rows


def size(n):
    n = int(n)
    return f"{n // (1024 * 1024)} MB" if n % (1024 * 1024) == 0 else f"{n // 1024} KB"


def body_peak_mb(rows):
    return max((max(num(d, "peak_kb"), num(d, "hwm_kb")) for d in rows), default=0) / 1024


def body_section(rows):
    L = ["## Request bodies held in memory", ""]
    L.append(
        "The `bodymem` scenario (`tests/bench/bodies.py`; alone: `make bench-bodies`): for each kind "
        f"of route, {rows[0].get('connections', '?')} connections each declare a body of the "
        "route's limit less one byte and send it in 40 slices, a slice per connection per round, so "
        "that all are in flight at once; the server's `VmRSS` is sampled every 20 ms (`peak`) and "
        "its `VmHWM` reset before each kind. The server refuses a body larger than the route takes "
        "when the headers arrive (413, 404, 405), and holds bodies within `JAWNOSC_BODY_MEMORY` "
        "(64 MB): a body that does not fit is answered 503 with `Retry-After` before it is read.")
    L.append("")
    L.append("| route | limit | answers | RSS before MB | peak RSS MB | VmHWM MB | seconds |")
    L.append("|---|---:|---|---:|---:|---:|---:|")
    for d in rows:
        L.append(f"| {BODY_KINDS.get(d['name'], d['name'])} | {size(d.get('limit', 0))} | "
                 f"{d.get('statuses', '').replace(',', ', ')} | {num(d, 'baseline_kb') / 1024:.1f} | "
                 f"{num(d, 'peak_kb') / 1024:.1f} | {num(d, 'hwm_kb') / 1024:.1f} | {d.get('seconds')} |")
    L.append("")
    return L


MIX_KINDS = {name: title for name, title, _ in SCENARIOS}


def mix_kinds(res):
    """mix_kinds.txt: one line per kind of the paced mix."""
    rows = []
    path = os.path.join(res, "mix_kinds.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = dict(t.split("=", 1) for t in line.split() if "=" in t)
                if d.get("kind"):
                    rows.append(d)
    return rows


def mix_section(res):
    """The lines of the mix section (docs/capacity.md's case (c)); empty when not run."""
    d = kv_line(os.path.join(res, "mix.txt"))
    if d.get("available") != "1":
        return [], d, []
    kinds = mix_kinds(res)
    shares = [kv.split(":", 1) for kv in d.get("shares", "").split(",") if ":" in kv]
    total = sum(float(w) for _, w in shares) or 1
    how = d.get("replica", "off")
    sh = cpu_shares(d)
    n = num(d, "requests")
    L = ["## The mix of case (c), with a replica", ""]
    L.append(
        "The `mix` scenario (`BENCH_ONLY=mix`, or `BENCH_MIX=1` with the rest; `docs/capacity.md` says "
        "what it stands for): the scenarios above mixed by the estimated requests a year of every "
        "obligated body in Poland (" + ", ".join(f"{MIX_KINDS.get(k, k).lower()} {float(w) / total * 100:.0f} %"
                                             for k, w in shares) + "). ")
    if how in ("reused", "basebackup"):
        L[-1] += ("As `deploy/ha/` sets it up, the register pages read from a streaming replica "
                  "(`DATABASE_URL_REPLICA`): a `pg_basebackup` of the bench cluster with `hot_standby`, "
                  "its own socket and port, started by the bench"
                  + (f" ({d.get('replica_build_s')} s to build)" if how == "basebackup" else " (kept from an earlier run)")
                  + "; everything else reads and writes on the primary. ")
    else:
        L[-1] += "**Without a replica** (" + ("`BENCH_MIX_REPLICA=0`" if how == "off" else "it could not be started") + \
            "): every page reads from the primary. "
    L[-1] += (f"First the mix at saturation ({m_conns(d)} connections in a closed loop, "
              "each request's kind drawn by the shares): the highest rate this machine sustains with "
              f"everything on it; then each kind paced on connections of its own at {d.get('load')} % of that "
              "rate, in the same proportions, for the latency of each kind. wrk's pauses come on top of "
              "each answer's time, so a kind gets somewhat less than it asked for. The replica's lag is "
              "the primary's `pg_stat_replication.replay_lag` (time) and its distance from the primary's "
              "WAL position (bytes), sampled every second through both runs.")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    L.append(f"| saturation | **{fmt_int(rate(d))} requests/s**, p50 {ms(num(d, 'p50_us'))} ms, p99 "
             f"{ms(num(d, 'p99_us'))} ms, errors {errors(d)} |")
    if sh:
        L.append(f"| CPU at saturation (of all CPUs) | server {sh[1]:.0f} %, primary {sh[2]:.0f} %, replica "
                 f"{100 * num(d, 'cpu_replica') / (num(d, 'clk', 100) * num(d, 'ncpu', 1) * num(d, 'window_ms') / 1e3 or 1):.0f} %, "
                 f"rest {sh[3]:.0f} % |")
        L.append(f"| CPU µs per request, server / primary / replica | {fmt_int(per_request_us(d, 'cpu_server'))} / "
                 f"{fmt_int(per_request_us(d, 'cpu_pg'))} / {fmt_int(per_request_us(d, 'cpu_replica'))} |")
    if n:
        L.append(f"| bytes per answer (mean) | {fmt_int(num(d, 'bytes') / n)} |")
    L.append(f"| database connections of the server | {d.get('conns_primary')} on the primary, "
             f"{d.get('conns_replica')} on the replica |")
    if how in ("reused", "basebackup"):
        L.append(f"| replica lag | at most {d.get('lag_max_ms')} ms (mean {d.get('lag_mean_ms')} ms), at most "
                 f"{fmt_int(num(d, 'lag_max_bytes'))} bytes of WAL, over {d.get('lag_samples')} samples |")
    L.append(f"| peak RSS of the server | {num(d, 'hwm_kb') / 1024:.1f} MB |")
    L.append("")
    if kinds:
        L.append(f"Paced at {d.get('load')} % of the saturated rate ({fmt_int(num(d, 'paced_wanted'))} requests/s "
                 "asked in all):")
        L.append("")
        L.append("| kind | share | asked /s | got /s | p50 ms | p90 ms | p99 ms | max ms | errors | bytes per answer |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        got_all = 0.0
        for k in kinds:
            r = rate(k)
            got_all += r
            nk = num(k, "requests")
            L.append(f"| {MIX_KINDS.get(k['kind'], k['kind'])} | {num(k, 'share') / total * 100:.1f} % | "
                     f"{fmt_int(num(k, 'wanted'))} | {r:.0f} | {ms(num(k, 'p50_us'))} | {ms(num(k, 'p90_us'))} | "
                     f"{ms(num(k, 'p99_us'))} | {ms(num(k, 'max_us'))} | {errors(k)} | "
                     f"{fmt_int(num(k, 'bytes') / nk) if nk else '–'} |")
        L.append(f"| all | 100 % | {fmt_int(num(d, 'paced_wanted'))} | {got_all:.0f} | | | | | "
                 f"{sum(errors(k) for k in kinds)} | |")
        L.append("")
    return L, d, kinds


def m_conns(d):
    return d.get("mix_connections") or "16"


def keep_soak(doc):
    if doc and os.path.exists(doc):
        text = open(doc, encoding="utf-8").read()
        if SOAK_BEGIN in text and SOAK_END in text:
            return text[text.index(SOAK_BEGIN): text.index(SOAK_END) + len(SOAK_END)]
    return SOAK_BEGIN + "\n## Soak\n\nNot run yet: `make bench-soak` (SOAK_SECONDS=600 by default) fills this section.\n" + SOAK_END


def search_plan_section(res):
    """The plans of one body's search (tests/bench/run.sh, search_plans)."""
    path = os.path.join(res, "search_plan.txt")
    if not os.path.exists(path):
        return []
    text = open(path, encoding="utf-8").read().splitlines()
    head, parts, name = {}, {}, None
    for line in text:
        if name is None and line.startswith("tsquery="):
            head["tsquery"] = line[len("tsquery="):]
        elif name is None and not line.startswith("--- "):
            head.update(kv.split("=", 1) for kv in line.split(" ") if "=" in kv)
        elif line.startswith("--- "):
            name = line[4:]
            parts[name] = []
        elif name is not None:
            parts[name].append(line)
    titles = {
        "register": "The register's search with the composite index `(org_id, words)` (btree_gin, "
                    "migration 0045), as `jawnosc_public`",
        "register, one GIN index over every body": "The same statement with the index shape the "
                    "search had before migration 0045: one GIN index over every body's vectors "
                    "(made inside a transaction that is rolled back), the organisation filtered "
                    "afterwards",
        "panel": "The staff's search over the body's cases (the half of the case's own text, "
                 "`requests_search_idx (org_id, search)`)",
    }
    L = ["## One body's search: the plan", ""]
    L.append(f"`EXPLAIN (ANALYZE, BUFFERS)` of the search for \"{head.get('word', '?')}\" "
             f"(tsquery `{head.get('tsquery', '?').replace('`', '')}`) in the body with the most "
             f"published cases ({head.get('org', '?')}: {fmt_int(float(head.get('matches', 0) or 0))} "
             f"matches among {fmt_int(float(head.get('published', 0) or 0))} published cases of every "
             "body), warm, before the scenarios (`tests/bench/run.sh`, `search_plans`).")
    L.append("")
    for name, lines in parts.items():
        L.append(f"{titles.get(name, name)}:")
        L.append("")
        L.append("```")
        L.extend(l for l in lines if l.strip())
        L.append("```")
        L.append("")
    return L


def bench(res, doc):
    m = kv_lines(os.path.join(res, "machine.txt"))
    seed = open(os.path.join(res, "seed.txt"), encoding="utf-8").read().splitlines() \
        if os.path.exists(os.path.join(res, "seed.txt")) else []
    data = kv_lines(os.path.join(res, "data.txt"), "|")
    pgb = kv_line(os.path.join(res, "pgbench.txt"))
    ngx = kv_line(os.path.join(res, "nginx.txt"))
    pg_tps, ngx_rps = num(pgb, "tps"), rate(ngx)
    rows = []
    for name, title, what in SCENARIOS:
        d = kv_line(os.path.join(res, name + ".txt"))
        d["_title"], d["_what"], d["_name"] = title, what, name
        rows.append(d)

    # The terminal.
    print()
    print(f"{'scenario':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'/pgbench':>9} {'/nginx':>8} {'RSS MB':>7} {'alone p50':>9} {'µs srv/db':>11} {'miss/req':>8}")
    for d in rows:
        if d.get("available") != "1":
            print(f"{d['_title']:34} not available" + (f" (HTTP {d.get('code')})" if d.get("code") else ""))
            continue
        r = rate(d)
        print(f"{d['_title']:34} {r:9.0f} {ms(num(d, 'p50_us')):>8} {ms(num(d, 'p99_us')):>8} {errors(d):7d} "
              f"{ratio(r, pg_tps):>9} {ratio(r, ngx_rps):>8} {num(d, 'hwm_kb') / 1024:7.1f} {ms(num(d, 'alone_p50_us')):>9} "
              f"{per_request_us(d, 'cpu_server'):5.0f}/{per_request_us(d, 'cpu_pg'):<5.0f} {cache_misses(d):>8}")
    attack, ad = search_attack(res)
    if attack:
        for prefix, title, _ in ATTACK_RUNS:
            r = prefixed(ad, prefix)
            print(f"{'attack: ' + title:34} {rate(r):9.0f} {ms(num(r, 'p50_us')):>8} {ms(num(r, 'p99_us')):>8} "
                  f"{errors(r):7d}")
    brows = body_rows(res)
    for d in brows:
        print(f"bodies, {d['name']:8} limit {size(d.get('limit', 0)):>7} x {d.get('connections')}: "
              f"peak RSS {num(d, 'peak_kb') / 1024:.1f} MB, VmHWM {num(d, 'hwm_kb') / 1024:.1f} MB, "
              f"answers {d.get('statuses')}")
    mixl, md, mk = mix_section(res)
    if mixl:
        print(f"{'mix (c), saturation':34} {rate(md):9.0f} {ms(num(md, 'p50_us')):>8} {ms(num(md, 'p99_us')):>8} "
              f"{errors(md):7d}   replica {md.get('replica')}, lag max {md.get('lag_max_ms')} ms / "
              f"{md.get('lag_max_bytes')} B")
        for k in mk:
            print(f"{'mix (c), paced: ' + k['kind']:34} {rate(k):9.0f} {ms(num(k, 'p50_us')):>8} "
                  f"{ms(num(k, 'p99_us')):>8} {errors(k):7d}")
    print(f"{'pgbench -S (ceiling)':34} {pg_tps:9.0f}")
    print(f"{'nginx, static file (ceiling)':34} {ngx_rps:9.0f} {ms(num(ngx, 'p50_us')):>8} {ms(num(ngx, 'p99_us')):>8} {errors(ngx):7d}")
    print()
    if not doc:
        return 0

    conns = m.get("connections", "?")
    secs = m.get("seconds", "?")
    L = []
    L.append("# Benchmarks")
    L.append("")
    L.append(f"Measured by `make bench` on {m.get('date', '?')}; the file is written by "
             "`tests/bench/run.sh` (regenerate it, do not edit it). The soak section at the end is "
             "written by `make bench-soak`.")
    L.append("")
    L.append("## How it is measured")
    L.append("")
    L.append(
        "`make bench` starts a PostgreSQL cluster of its own (`deploy/pg.sh` with "
        "`JAWNOSC_PG_DIR=/tmp/jawnosc-bench-pg`, Unix socket only), loads it with "
        f"the bench tool `jawnosc-seed --cases {m.get('cases')} --orgs {m.get('orgs')}` "
        "(`tests/bench/seed/`; once; later runs reuse the "
        "database, `BENCH_RESEED=1` loads it again), starts the release `bin/jawnosc serve` on "
        "127.0.0.1 with the access log off, `JAWNOSC_FILING_RATE=1000000` and "
        "`JAWNOSC_TRUSTED_PROXY=127.0.0.1` (filings come from a million addresses in "
        "`X-Forwarded-For`, as behind nginx), signs in a clerk and the manager of the whole body in "
        "20 bodies, and runs each scenario with wrk over loopback: a "
        f"{m.get('seconds')} s run with {conns} connections on 2 wrk threads after a warm-up, then "
        "5 s with one connection (\"alone\": the latency of one request with nothing queued). "
        "Requests spread over every body by the `Host` header and over random items, tokens and "
        "search words (`tests/bench/scenarios.lua`). wrk's latency is per request in a closed loop: "
        f"at saturation p50 is mostly queueing ({conns} connections divided by the rate), so the "
        "\"alone\" column is the one to compare with a latency target. The buffer cache is warm, as "
        "in a server in service: `shared_buffers` is a quarter of the memory and every index and the "
        "tables the pages read are loaded with `pg_prewarm` first (its autoprewarm keeps them over "
        "restarts); \"buffer hits\" is the share of block reads the cache answered during the run. "
        "The server keeps public pages in memory until their body changes (`docs/design.md`, \"Pages "
        "kept in memory\"; `JAWNOSC_PAGE_CACHE_MB` 32, the default): the register list and the Atom "
        f"feed of {m.get('orgs')} bodies are kept within the warm-up; the item scenario first asks "
        "for each of its 20 000 items once (its hot set; `BENCH_ITEM_WARM` seconds, 30), and the "
        "tracking scenario visits every one of its 20 000 tokens (`BENCH_CACHE_WARM` seconds), as "
        "the buffer cache is warmed and as a server in service holds what people read. \"Register "
        "detail, not kept\" asks for published items outside that hot set, each once (its warm-up, "
        "its run and its run alone each walk their own slice of up to 200 000 others), so every "
        "one is drawn from the database: what a page not kept costs. The last column of the "
        "results is the page cache's misses per request of the run (a register page is one "
        "lookup: 0.00 when every page came from memory, 1.00 when every one was drawn). Searches "
        f"(30 words in {m.get('orgs')} bodies) are kept as pages too once drawn, so their rate mixes "
        "both (that column says how), and everything a filing writes is drawn from the database. "
        "Every register scenario asks as a browser does, with `Accept-Encoding: gzip, deflate, "
        "br`: the server keeps those pages compressed (a register item in about a third of its "
        "size, the layout around its title kept once for every copy) and sends them gzip as they "
        "are kept. "
        "Filings go through the API with durable commits (`synchronous_commit` on, one WAL flush "
        "per commit at least); 70 % want their answer by e-mail, and the server's mail job "
        "writes those acknowledgements (`.eml` files, each fsynced) while the scenario runs. "
        "Before the job runner (issue 15) the mail thread waited its poll period even after a "
        "full batch (a `continue` inside `do … while`), so it sent at most 20 acknowledgements a "
        "second during this scenario and the rest waited in the outbox; the mail job now drains "
        "the outbox at once, and that work shares the CPUs with the filings (same machine, same "
        "database: the code before the runner filed 1 761–1 799 requests/s, this code 1 528–1 579, "
        "and 1 768 with the mail job held off by `JAWNOSC_MAIL_POLL_MS=600000`). "
        "Peak RSS is the server's "
        "`VmHWM`, reset before each scenario. Errors are connection errors, timeouts (10 s) and "
        "responses other than 2xx/3xx.")
    L.append("")
    L.append(
        "The two ceilings run on the same machine in the same run: `pgbench -S -M prepared` "
        f"({conns} clients, scale {pgb.get('scale', '?')}, {secs} s) in the same cluster — the "
        "database's select-only rate over the same Unix socket — and nginx serving "
        "`templates/static/style.css` from a file on loopback with the same wrk settings.")
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    L.append(f"| CPUs | {m.get('cpus')} × {m.get('cpu_model')} |")
    L.append(f"| memory | {m.get('memory_gib')} GiB |")
    L.append(f"| system | Debian {m.get('debian')}, Linux {m.get('kernel')} |")
    L.append(f"| PostgreSQL | {m.get('postgresql')} ({m.get('pg_settings')}) |")
    L.append(f"| tools | wrk {m.get('wrk')}, nginx {m.get('nginx')} |")
    L.append(f"| server | `JAWNOSC_THREADS={m.get('server_threads')}` (0: one worker thread per CPU) |")
    L.append(f"| load average | {m.get('load_before')} before the run, {m.get('load_after', '?')} after |")
    L.append(f"| other work | {m.get('background_busy', '?')} % of all CPUs busy with other processes over 5 s "
             "before the scenarios, while the server and PostgreSQL waited |")
    L.append("")
    busy = [cpu_shares(d) for d in rows
            if d.get("available") == "1" and d["_name"] != "static" and cpu_shares(d)]
    rest = max((b[3] for b in busy), default=0)
    try:
        background = float(m.get("background_busy", "0"))
    except ValueError:
        background = 0.0
    note = ("Everything shares the same CPUs: the server, PostgreSQL, wrk — and whatever else runs on "
            "the machine. The CPU column of each scenario splits the machine's busy time over the run "
            "into the server, PostgreSQL and the rest (wrk itself, and anything else running). ")
    if background > 20 or rest > 25:
        note += (f"**The machine was not idle:** other processes kept {background:.0f} % of all CPUs "
                 f"busy just before the scenarios, and the rest took up to {rest:.0f} % during a "
                 "scenario that uses the database (this machine is shared with other engineers' test "
                 "runs), so these rates are lower than the same machine gives when idle.")
    else:
        note += (f"The machine was quiet for this run: other processes kept {background:.0f} % of the "
                 f"CPUs busy just before the scenarios, and the rest (wrk, mostly) stayed at or under "
                 f"{rest:.0f} % in the scenarios that use the database.")
    L.append(note)
    L.append("")
    L.append("## Data")
    L.append("")
    if seed:
        L.append(f"`{seed[0]}`")
        L.append("")
        extra = {k: v for k, v in (s.split("=", 1) for s in seed[1:] if "=" in s)}
        if "seed_seconds" in extra:
            L.append(f"Loading took {extra['seed_seconds']} s (load average {extra.get('load', '?')} when it "
                     "ended), including VACUUM ANALYZE; "
                     + " ".join(s for s in seed[1:] if s.startswith("audit verify")) + ".")
            L.append("")
    if data:
        L.append("| | |")
        L.append("|---|---|")
        for k, v in data.items():
            if k == "database size":
                v = f"{int(v) / 2**30:.1f} GiB"
            else:
                v = fmt_int(float(v))
            L.append(f"| {k} | {v} |")
        L.append("")
    L.append("## Results")
    L.append("")
    L.append(f"{conns} connections; ratios are the scenario's rate over the ceiling's.")
    L.append("")
    L.append("| scenario | request | req/s | p50 ms | p99 ms | errors | ÷ pgbench -S | ÷ nginx | peak RSS MB | alone p50 / p99 ms | CPU server / db / rest | CPU µs per request server / db | buffer hits | page cache misses per request |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|")
    for d in rows:
        if d.get("available") != "1":
            L.append(f"| {d['_title']} | `{d['_what']}` | not available (HTTP {d.get('code', '?')}) | | | | | | | | | | | |")
            continue
        r = rate(d)
        sh = cpu_shares(d)
        shs = f"{sh[1]:.0f} / {sh[2]:.0f} / {sh[3]:.0f} %" if sh else ""
        L.append(
            f"| {d['_title']} | `{d['_what']}` | {fmt_int(r)} | {ms(num(d, 'p50_us'))} | {ms(num(d, 'p99_us'))} | "
            f"{errors(d)} | {ratio(r, pg_tps)} | {ratio(r, ngx_rps)} | {num(d, 'hwm_kb') / 1024:.1f} | "
            f"{ms(num(d, 'alone_p50_us'))} / {ms(num(d, 'alone_p99_us'))} | {shs} | "
            f"{fmt_int(per_request_us(d, 'cpu_server'))} / {fmt_int(per_request_us(d, 'cpu_pg'))} | {hits(d)} | "
            f"{cache_misses(d)} |")
    L.append("")
    L.append("Ceilings:")
    L.append("")
    L.append("| ceiling | req/s | p50 ms | p99 ms | errors |")
    L.append("|---|---:|---:|---:|---:|")
    L.append(f"| `pgbench -S -M prepared`, {pgb.get('clients', '?')} clients | {fmt_int(pg_tps)} | "
             f"{pgb.get('latency_ms', '?')} (mean) | | |")
    L.append(f"| nginx {m.get('nginx')}, `style.css` from a file | {fmt_int(ngx_rps)} | {ms(num(ngx, 'p50_us'))} | "
             f"{ms(num(ngx, 'p99_us'))} | {errors(ngx)} |")
    L.append("")

    # The targets of the issue, met or not, as measured.
    by = {d["_name"]: d for d in rows}

    def avail(n):
        return by.get(n, {}).get("available") == "1"

    peak = max((num(d, "hwm_kb") for d in rows if d.get("available") == "1"), default=0) / 1024
    T = []
    if avail("register_list"):
        r = rate(by["register_list"])
        T.append(("Register list ≥ 5 000 requests/s", f"{fmt_int(r)} /s", r >= 5000))
    if avail("tracking"):
        r = rate(by["tracking"])
        T.append(("Tracking page ≥ 5 000 requests/s", f"{fmt_int(r)} /s", r >= 5000))
    if avail("filing"):
        d = by["filing"]
        r, p99 = rate(d), num(d, "p99_us") / 1000
        T.append(("Filing ≥ 1 000 requests/s with p99 < 50 ms",
                  f"{fmt_int(r)} /s, p99 {ms(num(d, 'p99_us'))} ms ({conns} connections); "
                  f"alone p99 {ms(num(d, 'alone_p99_us'))} ms", r >= 1000 and p99 < 50))
    if avail("dashboard"):
        d = by["dashboard"]
        a50, l50 = num(d, "alone_p50_us") / 1000, num(d, "p50_us") / 1000
        T.append(("Dashboard median < 50 ms",
                  f"alone {ms(num(d, 'alone_p50_us'))} ms; under load ({conns} connections) "
                  f"{ms(num(d, 'p50_us'))} ms", a50 < 50 and l50 < 50))
    T.append(("Server RSS < 100 MB under load", f"peak {peak:.1f} MB over all scenarios", peak < 100))
    if brows:
        bp = body_peak_mb(brows)
        T.append((f"Server RSS < {BODY_RSS_TARGET_MB} MB with {brows[0].get('connections')} bodies of "
                  "each route's limit in flight", f"peak {bp:.1f} MB", bp < BODY_RSS_TARGET_MB))
    # Issue 22: each page against the database's select-only ceiling of
    # the same run, and the server's CPU per request.
    def share(name, floor, label):
        if not avail(name) or not pg_tps:
            return
        r = rate(by[name])
        T.append((f"{label} ≥ {floor:.0f} % of `pgbench -S`", f"{fmt_int(r)} /s = {ratio(r, pg_tps)}",
                  r >= floor / 100 * pg_tps))

    def cpu(name, ceil_us, label):
        if not avail(name):
            return
        d = by[name]
        measured = num(d, "requests") > 0 and "cpu_server" in d
        us = per_request_us(d, "cpu_server")
        T.append((f"{label}: server CPU < {ceil_us} µs per request",
                  f"{fmt_int(us)} µs" if measured else "not measured", measured and us < ceil_us))

    share("register_list", 100, "Register list")
    share("register_item", 25, "Register item")
    if avail("register_search") and pg_tps:
        d = by["register_search"]
        r, a99 = rate(d), num(d, "alone_p99_us") / 1000
        alone = a99 > 0
        T.append(("Register search ≥ 10 % of `pgbench -S`, p99 alone < 20 ms",
                  f"{fmt_int(r)} /s = {ratio(r, pg_tps)}; alone p99 "
                  + (f"{ms(num(d, 'alone_p99_us'))} ms" if alone else "not measured"),
                  r >= 0.10 * pg_tps and alone and a99 < 20))
    share("tracking", 40, "Tracking page")
    share("queue", 15, "Clerk queue")
    share("dashboard", 15, "Manager dashboard")
    cpu("register_item", 150, "Register item")
    cpu("queue", 300, "Clerk queue")
    cpu("dashboard", 300, "Manager dashboard")
    L.append("## Against the targets")
    L.append("")
    L.append(counts_line(m, pg_tps))
    L.append("")
    L.append("| target | measured | met |")
    L.append("|---|---|---|")
    for t, v, ok in T:
        L.append(f"| {t} | {v} | {'yes' if ok else '**no**'} |")
    L.append("")
    if attack:
        L.extend(attack)
    if brows:
        L.extend(body_section(brows))
    if mixl:
        L.extend(mixl)
    L.extend(search_plan_section(res))
    L.append("## Where the time goes")
    L.append("")
    L.append("The five statements with the most database time in each scenario's measured run "
             "(`pg_stat_statements` with `track_planning`, reset before it): calls per request, mean "
             "milliseconds of planning and of execution (the server prepares each statement once per "
             "connection; statements built at run time, such as searches, are planned each time), "
             "total seconds of both.")
    L.append("")
    for d in rows:
        if d.get("available") != "1":
            continue
        sql = read_sql(os.path.join(res, d["_name"] + ".sql"))
        if not sql:
            continue
        n = num(d, "requests") or 1
        L.append(f"**{d['_title']}** (`{d['_what']}`)")
        L.append("")
        L.append("| calls / request | planning ms | execution ms | total s | statement |")
        L.append("|---:|---:|---:|---:|---|")
        for calls, total, mean, q, jit, plan in sql:
            q = q.replace("`", "'")
            jit = " (JIT compiled)" if jit not in ("", "0") else ""
            L.append(f"| {float(calls) / n:.2f} | {plan or '–'} | {mean} | {float(total) / 1000:.1f} | `{q}`{jit} |")
        L.append("")
    L.extend(profile_section(res, rows))
    L.append(keep_soak(doc))
    L.append("")
    with open(doc, "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    print(f"bench: wrote {doc}")
    return 0


# This machine's usual select-only rate (pgbench -S -M prepared, 16
# clients, scale 50) when nothing else runs on its host: 32 000 to 80 000
# a second over the runs of issues 15 to 22. A run whose ceiling falls
# under BENCH_PGBENCH_USUAL (default 30 000) was slowed by something
# outside it, and its ratios do not count.
PGBENCH_USUAL = float(os.environ.get("BENCH_PGBENCH_USUAL", "30000"))
OTHER_WORK_MAX = 5.0


def counts_line(m, pg_tps):
    """Whether the run's ratios count: the machine quiet before it (other
    work at most 5 % of the CPUs) and its select-only ceiling at its usual
    rate."""
    try:
        other = float(m.get("background_busy", ""))
    except ValueError:
        other = None
    why = []
    if other is None:
        why.append("the other work before the run was not measured")
    elif other > OTHER_WORK_MAX:
        why.append(f"other work kept {other:.0f} % of the CPUs busy (over {OTHER_WORK_MAX:.0f} %)")
    if not pg_tps:
        why.append("`pgbench -S` did not run")
    elif pg_tps < PGBENCH_USUAL:
        why.append(f"`pgbench -S` ran at {fmt_int(pg_tps)}/s, under this machine's usual "
                   f"{fmt_int(PGBENCH_USUAL)}/s")
    if why:
        return "**This run does not count:** " + "; ".join(why) + "."
    return (f"This run counts: other work {other:.0f} % of the CPUs (at most {OTHER_WORK_MAX:.0f} %), "
            f"`pgbench -S` {fmt_int(pg_tps)}/s (usual: {fmt_int(PGBENCH_USUAL)}/s or more).")


def profile_section(res, rows):
    """The server's top symbols in each scenario's measured run (perf)."""
    out = []
    for d in rows:
        if d.get("available") != "1":
            continue
        p = os.path.join(res, d["_name"] + ".perf.txt")
        if not os.path.exists(p):
            continue
        lines = []
        for line in open(p, encoding="utf-8", errors="replace"):
            parts = line.split()
            # "12.34%  libc.so.6  [.] _int_malloc"
            if len(parts) >= 4 and parts[0].endswith("%") and parts[2] in ("[.]", "[k]"):
                sym = parts[3:]
                while sym and sym[-1] == "-":  # perf's empty columns
                    sym.pop()
                lines.append((parts[0], parts[1], " ".join(sym)))
        if not lines:
            continue
        if not out:
            out += ["## The server's profile", "",
                    "Where the server's CPU went in each scenario's measured run: `perf record -F 499` on "
                    "the server's process (its threads, user and kernel), the ten symbols with the most "
                    "samples, by library (`[kernel.kallsyms]` is the kernel working for the server: "
                    "sockets, polling, the page faults of malloc). The release build has no frame "
                    "pointers, so this is flat: a symbol's own samples, not its callers'.", ""]
        out.append(f"**{d['_title']}** (`{d['_what']}`)")
        out.append("")
        out.append("| samples | library | symbol |")
        out.append("|---:|---|---|")
        for pct, dso, sym in lines:
            sym = sym.replace("`", "'").replace("|", "\\|")
            out.append(f"| {pct} | {dso} | `{sym}` |")
        out.append("")
    return out


def soak(res, doc):
    d = kv_line(os.path.join(res, "soak.txt"))
    m = kv_lines(os.path.join(res, "machine.txt"))
    samples = []
    p = os.path.join(res, "soak_rss.txt")
    if os.path.exists(p):
        for line in open(p, encoding="utf-8"):
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                samples.append((int(parts[0]), int(parts[1])))
    # Growth is the median RSS of the last minute over that of the first
    # minute after the warm-up: the page cache's copies come and go all the
    # time, so a single sample moves by a few per cent either way; a leak
    # moves the whole minute.
    first_s, last_s = num(d, "baseline_kb"), num(d, "final_kb")
    secs = num(d, "seconds", 600)
    head = [kb for t, kb in samples if t <= 60]
    tail = [kb for t, kb in samples if t >= secs - 60]
    base = statistics.median(head) if head else first_s
    final = statistics.median(tail) if tail else last_s
    peak = max([s[1] for s in samples] + [last_s]) if samples else last_s
    growth = (final - base) / base * 100 if base else 0.0
    errs = errors(d)
    # The warm-up runs the same mix: an error there is an error too.
    w = kv_line(os.path.join(res, "soak_warmup.txt"))
    warm_errs = errors(w)
    ok = errs == 0 and warm_errs == 0 and growth < 5.0 and num(d, "requests") > 0
    verdict = "PASS" if ok else "FAIL"
    sh = cpu_shares(d)
    print()
    print(f"soak: {verdict}: {int(num(d, 'requests'))} requests in {d.get('seconds')} s "
          f"({rate(d):.0f}/s, wanted {d.get('rate')}), {errs} errors ({warm_errs} in the warm-up), p50 {ms(num(d, 'p50_us'))} ms, "
          f"p99 {ms(num(d, 'p99_us'))} ms; RSS {base / 1024:.1f} MB in the first minute (median), "
          f"{final / 1024:.1f} MB in the last ({growth:+.2f} %), peak {peak / 1024:.1f} MB")
    if not doc:
        return 0 if ok else 1
    S = [SOAK_BEGIN, "## Soak", ""]
    S.append(f"`make bench-soak` on {m.get('date', '?')} (`SOAK_SECONDS={d.get('seconds')}`): a steady mix "
             f"(register list 25 %, detail 20 %, search 10 %, Atom 5 %, tracking page 20 %, filing 10 %, "
             f"clerk queue 7 %, dashboard 3 %) at about {d.get('rate')} requests/s — wrk with "
             f"{d.get('connections')} connections, each pausing between its requests — after a "
             f"{d.get('warmup')} s warm-up at the same rate (one `JAWNOSC_PAGE_CACHE_TTL`: by then the "
             "pages the server keeps in memory have turned over and fill their steady working set, "
             "bounded by `JAWNOSC_PAGE_CACHE_MB`; a leak is what grows after that). "
             "The server's RSS is sampled every 10 s; "
             "the run fails on any error (in the warm-up too) or when the median RSS of its last minute is 5 % or more "
             f"above that of its first minute. Data: {m.get('cases')} cases in {m.get('orgs')} bodies; "
             f"load average {m.get('load_before')} before, {d.get('load_after', '?')} after.")
    S.append("")
    S.append("| | |")
    S.append("|---|---|")
    S.append(f"| verdict | **{verdict}** |")
    S.append(f"| requests | {fmt_int(num(d, 'requests'))} in {d.get('seconds')} s: {rate(d):.0f}/s |")
    S.append(f"| errors | {errs} (connect {d.get('connect')}, read {d.get('read')}, write {d.get('write')}, "
             f"status {d.get('status')}, timeout {d.get('timeout')}); in the warm-up {warm_errs} of "
             f"{fmt_int(num(w, 'requests'))} requests |")
    S.append(f"| latency | p50 {ms(num(d, 'p50_us'))} ms, p90 {ms(num(d, 'p90_us'))} ms, p99 {ms(num(d, 'p99_us'))} ms, "
             f"max {ms(num(d, 'max_us'))} ms |")
    S.append(f"| server RSS | {base / 1024:.1f} MB in the first minute, {final / 1024:.1f} MB in the last (medians) "
             f"(**{growth:+.2f} %**), peak {peak / 1024:.1f} MB |")
    if sh:
        S.append(f"| CPU (of all CPUs) | server {sh[1]:.0f} %, PostgreSQL {sh[2]:.0f} %, rest {sh[3]:.0f} % |")
    if samples:
        step = max(1, len(samples) // 12)
        S.append("| RSS samples (s: MB) | " + ", ".join(f"{t}: {kb / 1024:.1f}" for t, kb in samples[::step]) + " |")
    S.append("")
    S.append(SOAK_END)
    block = "\n".join(S)
    text = open(doc, encoding="utf-8").read() if os.path.exists(doc) else "# Benchmarks\n\n" + SOAK_BEGIN + SOAK_END + "\n"
    if SOAK_BEGIN in text and SOAK_END in text:
        text = text[: text.index(SOAK_BEGIN)] + block + text[text.index(SOAK_END) + len(SOAK_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"soak: wrote {doc}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("bench", "soak"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(bench(sys.argv[2], sys.argv[3]) if sys.argv[1] == "bench" else soak(sys.argv[2], sys.argv[3]))
