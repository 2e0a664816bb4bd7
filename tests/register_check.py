#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""The register's feed and open data read by ordinary tools: the Atom feed,
which names the stylesheet browsers show it with, parses with feedparser
without a bozo error, and the CSV (Python's csv
module, RFC 4180) has the same rows as the JSON, in the same order.

    tests/register_check.py http://127.0.0.1:PORT

Run by tests/browser/run.sh against its server (seeded with demo data, whose
closed cases are published). Prints cmocka-style lines and exits 1 when
anything failed. Uses Debian's /usr/bin/python3 with python3-feedparser.
"""
import csv
import io
import json
import sys
import urllib.request

import feedparser

base = sys.argv[1].rstrip('/') if len(sys.argv) > 1 else ''
passed = failed = 0


def fetch(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return r.status, r.headers, r.read()


def test(fn):
    global passed, failed
    print(f'[ RUN      ] {fn.__name__}', flush=True)
    try:
        fn()
        passed += 1
        print(f'[       OK ] {fn.__name__}', flush=True)
    except Exception as e:  # noqa: BLE001 - any failure is reported
        failed += 1
        print(f'    {type(e).__name__}: {e}')
        print(f'[  FAILED  ] {fn.__name__}', flush=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def atom_parses_without_bozo():
    status, headers, body = fetch('/rejestr.atom')
    check(status == 200, f'status {status}')
    check(headers.get('Content-Type', '').startswith('application/atom+xml'), headers.get('Content-Type'))
    # It names the stylesheet browsers show it with; feed readers skip that.
    check(b'\n<?xml-stylesheet type="text/xsl" href="/static/feed.xsl' in body.split(b'<feed', 1)[0],
          'the xml-stylesheet instruction before the root element')
    feed = feedparser.parse(body)
    check(feed.bozo == 0, f'bozo: {feed.get("bozo_exception")}')
    check(feed.version == 'atom10', f'version {feed.version}')
    check(feed.feed.get('title'), 'a feed title')
    check(feed.feed.get('updated_parsed'), 'a feed date')
    check(len(feed.entries) >= 1, 'entries')
    ids = set()
    for e in feed.entries:
        check(e.id.startswith('tag:'), f'a tag: id, got {e.id}')
        check(e.id not in ids, f'unique ids: {e.id}')
        ids.add(e.id)
        check(e.get('title') and e.get('link') and e.get('summary'), f'title, link, summary of {e.id}')
        check(e.get('updated_parsed'), f'updated of {e.id}')
        check(e.link.startswith(base + '/rejestr/'), f'link to the item: {e.link}')


def csv_rows_equal_json_items():
    status, headers, body = fetch('/rejestr.csv')
    check(status == 200, f'status {status}')
    ctype = headers.get('Content-Type', '')
    check(ctype.startswith('text/csv') and 'charset=utf-8' in ctype and 'header=present' in ctype, ctype)
    text = body.decode('utf-8')  # plain UTF-8, no byte-order mark
    check(not text.startswith('\ufeff'), 'no BOM')
    check(text.endswith('\r\n'), 'records end with CRLF')
    rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))
    header, records = rows[0], rows[1:]
    status, headers, body = fetch('/rejestr.json')
    check(status == 200, f'status {status}')
    doc = json.loads(body)
    items = doc['items']
    check(len(records) == len(items) and items, f'{len(records)} CSV rows, {len(items)} JSON items')
    check(header == list(items[0].keys()), f'the same fields: {header} / {list(items[0].keys())}')
    for rec, item in zip(records, items):
        want = ['' if item[k] is None else str(item[k]) for k in header]
        check(rec == want, f'row {rec[0]} differs:\n  CSV  {rec}\n  JSON {want}')


def exports_filter_alike():
    for q in ('?rodzaj=reuse', '?wynik=provided', '?q=patronatow'):
        _, _, c = fetch('/rejestr.csv' + q)
        _, _, j = fetch('/rejestr.json' + q)
        records = list(csv.reader(io.StringIO(c.decode('utf-8'), newline='')))[1:]
        items = json.loads(j)['items']
        check([r[0] for r in records] == [i['case_number'] for i in items], f'same cases for {q}')


if not base.startswith('http://'):
    print('[  ERROR   ] usage: register_check.py http://127.0.0.1:PORT')
    failed = 1
else:
    print('[==========] Running the register feed and open-data checks.')
    for t in (atom_parses_without_bozo, csv_rows_equal_json_items, exports_filter_alike):
        test(t)
print(f'[==========] {passed + failed} test(s) run.')
print(f'[  PASSED  ] {passed} test(s).')
if failed:
    print(f'[  FAILED  ] {failed} test(s).')
sys.exit(1 if failed else 0)
