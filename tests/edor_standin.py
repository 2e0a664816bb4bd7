#!/usr/bin/python3
# SPDX-License-Identifier: EUPL-1.2
"""A stand-in for e-Doręczenia, for the tests (docs/edoreczenia.md "Testing").

Usage: tests/edor_standin.py --port P --control-port C --cert server.pem
       --key server.key --ca ca.pem --client-cert client.pem
       --address AE:PL-... --system-name NAME --yaml uaapi_3.0.8.1.yaml
       --violations FILE

Serves over HTTPS on 127.0.0.1:P, requiring a client certificate signed by
ca.pem:
  POST /token                              OAuth2 client_credentials with a JWT
                                           client assertion (RFC 7523), verified
                                           with the public key of client.pem
                                           (openssl), iss = sub =
                                           "<address>.SYSTEM.<name>", aud = this
                                           URL, exp at most 5 minutes away, jti
                                           never seen before
  GET  /bae/addresses?identifier=&name=[&address=]
                                           the BAE search engine's stand-in
                                           contract (docs/edoreczenia.md): by
                                           identifier, or by name and (when the
                                           entry has one) postal address
  and under /api/v1 the User Agent API operations the client uses:
  POST /{ade}/messages, GET /{ade}/messages, GET …/messages/tasks/{id}[/status],
  GET …/messages/{id}/evidences, GET …/evidences/{puh|purde}/{id};
  and the inbox: GET /{ade}/messages?label=INBOX (format metadata, filtered
  by submissionDateFrom, sorted, paged), GET /{ade}/messages/{id}
  (format full or fullExtended: the received message, marked opened),
  GET /{ade}/messages/{id}/attachments/{aid}. Its own answers for these
  are checked against the yaml's response schemas too.

Every request is checked against the yaml (OpenAPI 3.0.3): the path template
and method, path and query parameters (declared, typed, enums, bounds,
required), the bearer token for operations with security, and the JSON body
against the operation's schema ($ref, type, required, properties, enum,
lengths, bounds, items, date-time). A property the schema does not define is
flagged too (stricter than OpenAPI's default: it catches misspelt names). An
attachment's size and SHA-3 (SHA3-256, base64) hash are checked against its
content. Each violation is one JSON line in the violations file; the tests
require it to be empty.

A plain-HTTP control endpoint on 127.0.0.1:C lets a test steer it:
  POST /control {"mode": "ok" | "fail" (503 to every API call and token) |
                           "down" (connections dropped before TLS) |
                           "reject" (messages accepted, then A.2),
                 "delay": seconds a task stays PENDING,
                 "now": "2026-03-02T10:00:00Z" (the clock of the evidences),
                 "token_ttl": seconds,
                 "collect": "2026-03-05T09:00:00Z" (every message not yet
                            collected gets E.1 and BP.OX, or H.EPO for the
                            hybrid service, at that instant),
                 "bae": [{"identifier": ..., "name": ..., "address": ... (optional),
                          "eDeliveryAddress": ...}],
                 "bae_mode": "ok" | "fail" (503 from the search engine only),
                 "client": {"address": ..., "system_name": ..., "cert": PEM path}
                           (another body's system, for a deployment serving
                           several: its tokens open its own mailbox),
                 "receive": {"from": "AE:PL-…", "firstName", "lastName" or
                           "companyName", "subject", "text", "caseId",
                           "submitted": RFC 3339 (default: the clock),
                           "mailbox": AE:PL-… (default: --address),
                           "attachments": [{"filename", "contentType",
                           "description", "content": base64, "inline": false
                           (content only from the attachment endpoint)}]}
                           (a message received in the inbox; the answer
                           carries its "id")}
  GET /stats    {"posts", "messages", "tokens", "violations", "requests", "refused",
                 "bae_asked", "bae_asked_by" (the client address whose token made
                 the last search), "inbox", "inbox_reads"}
  GET /messages every message with its metadata and evidences
Prints "ready" once listening. Run it with /usr/bin/python3 (python3-yaml).
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import yaml

API_BASE = "/api/v1"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def same_place(a, b):
    """Two postal addresses alike but for case, commas and spaces."""
    def norm(s):
        return " ".join(s.replace(",", " ").lower().split())
    return norm(a) == norm(b)


def parse_iso(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


# --- the OpenAPI subset ---------------------------------------------------------

class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.paths = []
        for template, item in self.doc["paths"].items():
            segs = template.strip("/").split("/")
            self.paths.append((template, segs, item))

    def resolve(self, schema):
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("external $ref " + ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part]
            schema = node
            seen += 1
            if seen > 20:
                raise ValueError("$ref loop")
        return schema

    def match(self, path):
        """The path item whose template fits, the most literal one first."""
        segs = path.strip("/").split("/")
        best = None
        for template, tsegs, item in self.paths:
            if len(tsegs) != len(segs):
                continue
            params, literal, ok = {}, 0, True
            for t, s in zip(tsegs, segs):
                if t.startswith("{") and t.endswith("}"):
                    if not s:
                        ok = False
                        break
                    params[t[1:-1]] = urllib.parse.unquote(s)
                elif t == s:
                    literal += 1
                else:
                    ok = False
                    break
            if ok and (best is None or literal > best[0]):
                best = (literal, template, item, params)
        return best

    def validate(self, schema, value, where, out, depth=0):
        if depth > 40:
            out.append(f"{where}: nested too deep")
            return
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return
        if value is None:
            if not schema.get("nullable"):
                out.append(f"{where}: null where the schema allows none")
            return
        for sub in schema.get("allOf", []):
            self.validate(sub, value, where, out, depth + 1)
        t = schema.get("type")
        if t is None and "properties" in schema:
            t = "object"
        checks = {
            "object": lambda v: isinstance(v, dict),
            "array": lambda v: isinstance(v, list),
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
        }
        if t and t in checks and not checks[t](value):
            out.append(f"{where}: expected {t}, got {type(value).__name__}")
            return
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{where}: {value!r} is not one of {schema['enum']}")
        if isinstance(value, str):
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                out.append(f"{where}: longer than {schema['maxLength']}")
            if "minLength" in schema and len(value) < schema["minLength"]:
                out.append(f"{where}: shorter than {schema['minLength']}")
            if schema.get("format") == "date-time" and not DATE_TIME.match(value):
                out.append(f"{where}: not an RFC 3339 date-time")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "maximum" in schema and value > schema["maximum"]:
                out.append(f"{where}: above {schema['maximum']}")
            if "minimum" in schema and value < schema["minimum"]:
                out.append(f"{where}: below {schema['minimum']}")
        if isinstance(value, list):
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                out.append(f"{where}: more than {schema['maxItems']} items")
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.append(f"{where}: fewer than {schema['minItems']} items")
            for i, v in enumerate(value):
                self.validate(schema.get("items", {}), v, f"{where}[{i}]", out, depth + 1)
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    out.append(f"{where}: required property {name!r} missing")
            extra = schema.get("additionalProperties")
            for name, v in value.items():
                if name in props:
                    self.validate(props[name], v, f"{where}.{name}", out, depth + 1)
                elif isinstance(extra, dict):
                    self.validate(extra, v, f"{where}.{name}", out, depth + 1)
                elif extra is True:
                    pass
                else:
                    out.append(f"{where}: property {name!r} the schema does not define")

    def check_param(self, p, raw, out):
        schema = self.resolve(p.get("schema", {}))
        name = f"{p['in']} parameter {p['name']}"
        t = schema.get("type")
        value = raw
        if t == "integer":
            if not re.fullmatch(r"-?\d+", raw):
                out.append(f"{name}: {raw!r} is not an integer")
                return
            value = int(raw)
        elif t == "boolean":
            if raw not in ("true", "false"):
                out.append(f"{name}: {raw!r} is not true or false")
                return
            value = raw == "true"
        elif t == "array":
            for item in raw.split(","):
                self.validate(schema.get("items", {}), item, name, out)
            return
        self.validate(schema, value, name, out)


# --- the state ------------------------------------------------------------------

class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.mode = "ok"
        self.delay = 0.0
        self.now_offset = 0.0
        self.token_ttl = 300
        self.tokens = {}      # token -> real expiry
        self.jtis = set()
        self.messages = {}    # id -> dict
        self.order = []
        self.inbox = {}       # id -> a received message (the API's Message)
        self.inbox_order = []
        self.inbox_reads = 0  # messages read in full
        self.tasks = {}       # id -> {"finish": real time, "message": id}
        self.bae = []
        self.bae_mode = "ok"
        self.bae_asked = 0
        self.bae_asked_by = ""  # the client address whose token asked last
        self.posts = 0
        self.refused = 0
        self.requests = 0
        self.violations = 0
        self.client_id = f"{args.address}.SYSTEM.{args.system_name}"
        self.clients = {}  # client id -> (address, public key file): more bodies
        self.token_address = {}  # token -> the address of the client it was issued to
        self.token_url = f"https://127.0.0.1:{args.port}/token"
        fd, self.pubkey = tempfile.mkstemp(suffix=".pem")
        os.close(fd)
        with open(self.pubkey, "wb") as f:
            f.write(subprocess.run(["openssl", "x509", "-in", args.client_cert, "-pubkey", "-noout"],
                                   check=True, capture_output=True).stdout)

    def clock(self):
        return time.time() + self.now_offset

    def violation(self, method, path, what):
        with self.lock:
            self.violations += 1
            with open(self.args.violations, "a", encoding="utf-8") as f:
                f.write(json.dumps({"method": method, "path": path, "violation": what},
                                   ensure_ascii=False) + "\n")

    def evidence(self, msg, kind, at, reason=None):
        ev = {"evidenceId": secrets.token_hex(12), "messageId": msg["id"], "type": kind,
              "createDate": iso(at), "eventDate": iso(at), "downloaded": False}
        if reason:
            ev["reasonId"] = "R.2"
            ev["reasonDetails"] = [reason]
        msg["evidences"].append(ev)
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Dowod typ="{kind}">'
                f'<IdWiadomosci>{msg["id"]}</IdWiadomosci><IdDowodu>{ev["evidenceId"]}</IdDowodu>'
                f'<CzasZdarzenia>{iso(at)}</CzasZdarzenia></Dowod>\n')
        msg["files"][ev["evidenceId"]] = body.encode()


# --- the HTTPS side -------------------------------------------------------------

class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "edor-standin"

    def log_message(self, fmt, *a):
        sys.stderr.write("standin: " + (fmt % a) + "\n")

    @property
    def st(self):
        return self.server.state

    def send(self, code, body=None, ctype="application/json"):
        data = b""
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, code, err, desc):
        self.send(code, [{"error": err, "error_description": desc}])

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def handle_any(self, method):
        st = self.st
        with st.lock:
            st.requests += 1
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        body = self.read_body()
        if st.mode == "fail":
            with st.lock:
                st.refused += 1
            return self.error(503, "SERVICE_UNAVAILABLE", "Usługa chwilowo niedostępna")
        if url.path == "/token":
            return self.token(method, body)
        if url.path == "/bae/addresses":
            return self.bae(method, query)
        if not url.path.startswith(API_BASE + "/"):
            st.violation(method, url.path, "not under " + API_BASE)
            return self.error(404, "NOT_FOUND", "no such path")
        path = url.path[len(API_BASE):]
        problems = []
        m = self.server.spec.match(path)
        if not m:
            st.violation(method, path, "no path of the API matches")
            return self.error(404, "NOT_FOUND", "no such path")
        _, template, item, params = m
        # The mailbox the bearer's system opens (another body's, "client").
        with st.lock:
            self.mailbox = st.token_address.get(self.headers.get("Authorization", "")[7:],
                                                st.args.address)
        op = item.get(method.lower())
        if not op:
            st.violation(method, path, f"{method} is not an operation of {template}")
            return self.error(405, "METHOD_NOT_ALLOWED", "method not allowed")
        self.check_params(op, item, params, query, problems)
        if op.get("security"):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                problems.append("no bearer token for an operation with security")
        self.check_body(op, body, problems)
        if (method, template) == ("POST", "/{eDeliveryAddress}/messages"):
            self.check_message(body, problems)
        for p in problems:
            st.violation(method, path, p)
        if op.get("security"):
            tok = self.headers.get("Authorization", "")[7:]
            with st.lock:
                exp = st.tokens.get(tok)
            if not exp or exp < time.time():
                return self.error(401, "UNAUTHORIZED", "token unknown or expired")
        if params.get("eDeliveryAddress") != getattr(self, "mailbox", st.args.address):
            st.violation(method, path, "not our mailbox: " + str(params.get("eDeliveryAddress")))
            return self.error(403, "FORBIDDEN", "not your mailbox")
        handler = {
            ("POST", "/{eDeliveryAddress}/messages"): self.post_message,
            ("GET", "/{eDeliveryAddress}/messages"): self.list_messages,
            ("GET", "/{eDeliveryAddress}/messages/tasks/{messageTaskId}/status"): self.task_status,
            ("GET", "/{eDeliveryAddress}/messages/tasks/{messageTaskId}"): self.task,
            ("GET", "/{eDeliveryAddress}/messages/{messageId}/evidences"): self.evidences,
            ("GET", "/{eDeliveryAddress}/evidences/{messageType}/{evidenceId}"): self.evidence_file,
            ("GET", "/{eDeliveryAddress}/messages/{messageId}"): self.get_message,
            ("GET", "/{eDeliveryAddress}/messages/{messageId}/attachments/{attachmentId}"):
                self.get_attachment,
        }.get((method, template))
        if not handler:
            return self.error(501, "NOT_IMPLEMENTED", "the stand-in does not implement " + template)
        if problems and method == "POST":
            return self.error(400, "VALIDATION", "; ".join(problems)[:900])
        return handler(params, query, body)

    def check_params(self, op, item, params, query, out):
        spec = self.server.spec
        declared = [spec.resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])]
        for p in declared:
            if p["in"] == "path":
                if p["name"] not in params:
                    out.append(f"path parameter {p['name']} missing")
                else:
                    spec.check_param(p, params[p["name"]], out)
            elif p["in"] == "query":
                if p["name"] in query:
                    for v in query[p["name"]]:
                        spec.check_param(p, v, out)
                elif p.get("required"):
                    out.append(f"required query parameter {p['name']} missing")
            elif p["in"] == "header" and p.get("required") and p["name"] not in self.headers:
                out.append(f"required header {p['name']} missing")
        names = {p["name"] for p in declared if p["in"] == "query"}
        for q in query:
            if q not in names:
                out.append(f"query parameter {q!r} the operation does not declare")

    def check_body(self, op, body, out):
        rb = self.server.spec.resolve(op.get("requestBody")) if op.get("requestBody") else None
        if not rb:
            if body:
                out.append("a body where the operation takes none")
            return
        if not body:
            if rb.get("required"):
                out.append("required body missing")
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        content = rb.get("content", {})
        if ctype not in content:
            out.append(f"Content-Type {ctype!r} is not one of {list(content)}")
            return
        if ctype != "application/json":
            return
        try:
            value = json.loads(body)
        except ValueError as e:
            out.append(f"body is not JSON: {e}")
            return
        self.server.spec.validate(content[ctype].get("schema", {}), value, "body", out)

    # --- token and search -------------------------------------------------------

    def token(self, method, body):
        st = self.st
        bad = []
        if method != "POST":
            bad.append("token endpoint takes POST")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype != "application/x-www-form-urlencoded":
            bad.append("token request is not a form")
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        one = lambda k: (form.get(k) or [""])[0]
        if one("grant_type") != "client_credentials":
            bad.append("grant_type is not client_credentials")
        if one("client_assertion_type") != ASSERTION_TYPE:
            bad.append("client_assertion_type is not jwt-bearer")
        bad += self.check_assertion(one("client_assertion"))
        for b in bad:
            st.violation(method, "/token", b)
        if bad:
            return self.send(401, {"error": "invalid_client", "error_description": bad[0]})
        tok = secrets.token_urlsafe(32)
        with st.lock:
            st.tokens[tok] = time.time() + st.token_ttl
            st.token_address[tok] = self.client_address_of
            ttl = st.token_ttl
        self.send(200, {"access_token": tok, "token_type": "Bearer", "expires_in": ttl,
                        "scope": "read_messages write_messages"})

    def check_assertion(self, jwt):
        st = self.st
        parts = jwt.split(".")
        if len(parts) != 3:
            return ["assertion is not a JWS compact serialisation"]
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            sig = b64url_decode(parts[2])
        except ValueError as e:
            return [f"assertion does not decode: {e}"]
        out = []
        iss = claims.get("iss")
        with st.lock:
            address, pubkey, client_id = st.args.address, st.pubkey, st.client_id
            if iss in st.clients:
                (address, pubkey), client_id = st.clients[iss], iss
        self.client_address_of = address
        if header.get("alg") != "RS256":
            out.append("assertion alg is not RS256")
        with tempfile.NamedTemporaryFile() as data, tempfile.NamedTemporaryFile() as s:
            data.write((parts[0] + "." + parts[1]).encode())
            data.flush()
            s.write(sig)
            s.flush()
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pubkey,
                                "-signature", s.name, data.name], capture_output=True)
            if r.returncode != 0:
                out.append("assertion signature does not verify with the client's key")
        now = time.time()
        if claims.get("iss") != client_id or claims.get("sub") != client_id:
            out.append(f"iss/sub are not {client_id}")
        if claims.get("aud") != st.token_url:
            out.append(f"aud is not {st.token_url}")
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int) or exp < now or exp > now + 300:
            out.append("exp is not within the next 5 minutes")
        if iat is not None and (not isinstance(iat, int) or iat > now + 60):
            out.append("iat is in the future")
        jti = claims.get("jti")
        with st.lock:
            if not isinstance(jti, str) or not jti or jti in st.jtis:
                out.append("jti missing or used before")
            else:
                st.jtis.add(jti)
        return out

    def bae(self, method, query):
        st = self.st
        bad = []
        if method != "GET":
            bad.append("search takes GET")
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            bad.append("search without a bearer token")
        for q in query:
            if q not in ("identifier", "name", "address"):
                bad.append(f"search parameter {q!r} not in the contract")
        ident = (query.get("identifier") or [""])[0]
        name = (query.get("name") or [""])[0]
        where = (query.get("address") or [""])[0]
        if not ident and not name:
            bad.append("search with neither identifier nor name")
        if any("\n" in v or "\r" in v for v in (ident, name, where)):
            bad.append("search parameter with a line break")
        for b in bad:
            st.violation(method, "/bae/addresses", b)
        with st.lock:
            st.bae_asked += 1
            failing = st.bae_mode == "fail"
        if failing:
            return self.error(503, "SERVICE_UNAVAILABLE", "Wyszukiwarka chwilowo niedostępna")
        with st.lock:
            tok = self.headers.get("Authorization", "")[7:]
            exp = st.tokens.get(tok)
            if exp:
                st.bae_asked_by = st.token_address.get(tok, "")
            hits = [e for e in st.bae if (ident and e.get("identifier") == ident) or
                    (not ident and name and e.get("name") == name and
                     (not e.get("address") or same_place(e["address"], where)))]
        if not exp or exp < time.time():
            return self.error(401, "UNAUTHORIZED", "token unknown or expired")
        if not hits:
            return self.send(404, [{"error": "NOT_FOUND", "error_description": "brak adresu"}])
        self.send(200, {"addresses": [{"eDeliveryAddress": e["eDeliveryAddress"],
                                       "name": e.get("name", ""), "status": "active"}
                                      for e in hits]})

    # --- the operations -----------------------------------------------------------

    def check_message(self, body, out):
        """What the schema cannot say: the attachments' sizes and hashes, the
        sender, the addressee's form."""
        st = self.st
        try:
            msg = json.loads(body)
        except ValueError:
            return
        if not isinstance(msg, dict):
            return
        meta = msg.get("messageMetadata") or {}
        for i, a in enumerate(msg.get("attachments") or []):
            f = (a or {}).get("file") or {}
            fm = f.get("fileMetadata") or {}
            try:
                content = base64.b64decode(f.get("file", ""), validate=True)
            except ValueError:
                out.append(f"attachment {i}: content is not base64")
                continue
            want = base64.b64encode(hashlib.sha3_256(content).digest()).decode()
            if fm.get("alg") != "SHA-3" or fm.get("hash") != want:
                out.append(f"attachment {i}: hash is not SHA3-256 of it")
            if fm.get("size") != len(content):
                out.append(f"attachment {i}: size is not its length")
        if (meta.get("from") or {}).get("eDeliveryAddress") != getattr(self, "mailbox",
                                                                       st.args.address):
            out.append("from is not the mailbox's address")
        to = (meta.get("to") or [{}])[0]
        if meta.get("shippingService") == "hybrid":
            if not (to.get("address") and meta.get("hybridShipment")):
                out.append("hybrid message without an address or shipment")
        elif not re.fullmatch(r"AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d\d",
                              to.get("eDeliveryAddress", "")):
            out.append("electronic message without an AE:PL address")

    def post_message(self, params, query, body):
        st = self.st
        msg = json.loads(body)
        meta = msg.get("messageMetadata", {})
        hybrid = meta.get("shippingService") == "hybrid"
        to = (meta.get("to") or [{}])[0]
        with st.lock:
            st.posts += 1
            mid, tid = secrets.token_hex(16), secrets.token_hex(16)
            now = st.clock()
            m = {"id": mid, "task": tid, "hybrid": hybrid, "subject": meta.get("subject", ""),
                 "caseId": meta.get("caseId", ""), "to": to, "evidences": [], "files": {},
                 "from": (meta.get("from") or {}).get("eDeliveryAddress", ""),
                 "mailbox": params.get("eDeliveryAddress", ""),
                 "attachments": len(msg.get("attachments", [])),
                 # What each attachment declares (the control port's /messages).
                 "attachmentFiles": [
                     {k: ((a or {}).get("file") or {}).get("fileMetadata", {}).get(k)
                      for k in ("filename", "contentType", "size")}
                     for a in msg.get("attachments", [])],
                 "additionalData": meta.get("additionalData", {}), "submitted": iso(now),
                 "collected": False}
            if st.mode == "reject":
                st.evidence(m, "A.2", now, "Adresat nie ma aktywnego adresu do doręczeń "
                                           "elektronicznych w BAE")
            elif hybrid:
                st.evidence(m, "H.PN", now)
            else:
                st.evidence(m, "A.1", now)
                st.evidence(m, "BP.WX", now)
            st.messages[mid] = m
            st.order.append(mid)
            st.tasks[tid] = {"finish": time.time() + st.delay, "message": mid}
        self.send(202, {"messageTaskId": tid})

    def task_status(self, params, query, body):
        with self.st.lock:
            t = self.st.tasks.get(params["messageTaskId"])
        if not t:
            return self.error(404, "NOT_FOUND", "no such task")
        self.send(200, {"messageTaskStatus": "FINISHED" if time.time() >= t["finish"] else "PENDING"})

    def task(self, params, query, body):
        with self.st.lock:
            t = self.st.tasks.get(params["messageTaskId"])
            m = self.st.messages.get(t["message"]) if t else None
        if not t:
            return self.error(404, "NOT_FOUND", "no such task")
        self.send(200, [{"messageId": m["id"], "addressee": m["to"],
                         "addresseeAde": m["to"].get("eDeliveryAddress", ""), "status": "SENT"}])

    def list_messages(self, params, query, body):
        if (query.get("label") or [""])[0] == "INBOX":
            return self.list_inbox(params, query)
        subject = (query.get("subject") or [""])[0]
        with self.st.lock:
            found = [self.st.messages[i] for i in self.st.order
                     if subject in self.st.messages[i]["subject"]]
        out = [{"messageMetadata": {"messageId": m["id"], "subject": m["subject"],
                                    "shippingService": "hybrid" if m["hybrid"] else "electronic",
                                    "submissionDate": m["submitted"]},
                "messageControlData": {"status": "Wysłana"}} for m in found]
        self.send(200, {"messages": out, "resultSize": len(out), "total": len(out)})

    # --- the inbox ------------------------------------------------------------------

    def answer_checked(self, schema, value, what):
        """Our own answer against the yaml: a stand-in that answers what the
        real service could not would prove nothing."""
        problems = []
        self.server.spec.validate(schema, value, what, problems)
        # The yaml's MessagesWrapper requires resultSize without defining it.
        problems = [p for p in problems if "'resultSize' the schema does not define" not in p]
        for p in problems:
            self.st.violation("ANSWER", what, p)

    def list_inbox(self, params, query):
        st = self.st
        since = (query.get("submissionDateFrom") or [""])[0]
        offset = int((query.get("offset") or ["0"])[0])
        limit = int((query.get("limit") or ["20"])[0])
        desc = (query.get("sortDirection") or ["asc"])[0] == "desc"
        with st.lock:
            found = [st.inbox[i] for i in st.inbox_order
                     if st.inbox[i]["mailbox"] == params["eDeliveryAddress"] and
                     (not since or parse_iso(st.inbox[i]["submitted"]) >= parse_iso(since))]
        found.sort(key=lambda m: m["submitted"], reverse=desc)
        page = found[offset:offset + limit]
        out = {"messages": [self.inbox_message(m, "metadata") for m in page],
               "resultSize": len(page), "total": len(found)}
        self.answer_checked({"$ref": "#/components/schemas/MessagesWrapper"}, out, "inbox listing")
        self.send(200, out)

    def inbox_message(self, m, fmt):
        meta = {"messageId": m["id"], "subject": m["subject"], "shippingService": "electronic",
                "from": m["from"], "to": [{"eDeliveryAddress": m["mailbox"]}],
                "submissionDate": m["submitted"], "timestamp": m["submitted"]}
        if m.get("caseId"):
            meta["caseId"] = m["caseId"]
        out = {"messageMetadata": meta,
               "messageControlData": {"opened": m["opened"], "messageType": "Message",
                                      "labels": [{"label": "INBOX"}]}}
        if fmt in ("full", "fullExtended"):
            out["textBody"] = m["text"]
            out["attachments"] = [self.attachment_of(a, fmt == "fullExtended" and a["inline"])
                                  for a in m["attachments"]]
        return out

    def attachment_of(self, a, with_content):
        meta = {"fileId": a["attachmentId"], "filename": a["filename"],
                "contentType": a["contentType"], "size": len(a["bytes"]), "alg": "SHA-3",
                "hash": base64.b64encode(hashlib.sha3_256(a["bytes"]).digest()).decode()}
        if a.get("description"):
            meta["description"] = a["description"]
        f = {"fileMetadata": meta}
        if with_content:
            f["file"] = base64.b64encode(a["bytes"]).decode()
        return {"order": a["order"], "attachmentId": a["attachmentId"], "file": f}

    def get_message(self, params, query, body):
        st = self.st
        fmt = (query.get("format") or ["full"])[0]
        with st.lock:
            m = st.inbox.get(params["messageId"])
            if m and m["mailbox"] == params["eDeliveryAddress"] and fmt in ("full", "fullExtended"):
                m["opened"] = True
                st.inbox_reads += 1
        if not m or m["mailbox"] != params["eDeliveryAddress"]:
            return self.error(404, "NOT_FOUND", "no such message")
        out = [self.inbox_message(m, fmt)]
        self.answer_checked({"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                            out, "received message")
        self.send(200, out)

    def get_attachment(self, params, query, body):
        with self.st.lock:
            m = self.st.inbox.get(params["messageId"])
        a = next((a for a in (m or {}).get("attachments", [])
                  if a["attachmentId"] == params["attachmentId"]), None)
        if not a:
            return self.error(404, "NOT_FOUND", "no such attachment")
        out = self.attachment_of(a, True)
        self.answer_checked({"$ref": "#/components/schemas/Attachment"}, out, "attachment")
        self.send(200, out)

    def evidences(self, params, query, body):
        with self.st.lock:
            m = self.st.messages.get(params["messageId"])
            evs = list(m["evidences"]) if m else None
        if m is None:
            return self.error(404, "NOT_FOUND", "no such message")
        self.send(200, {"evidences": evs})

    def evidence_file(self, params, query, body):
        with self.st.lock:
            data = None
            for m in self.st.messages.values():
                if params["evidenceId"] in m["files"]:
                    data = m["files"][params["evidenceId"]]
                    kind = "puh" if m["hybrid"] else "purde"
        if data is None:
            return self.error(404, "NOT_FOUND", "no such evidence")
        if params["messageType"] != kind:
            self.st.violation("GET", self.path, f"evidence of a {kind} message asked as "
                              f"{params['messageType']}")
        self.send(200, data, "application/octet-stream")


class TlsServer(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def verify_request(self, request, client_address):
        # "down": the connection is dropped before TLS, as a dead service's.
        return self.state.mode != "down"

    def finish_request(self, request, client_address):
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            sys.stderr.write(f"standin: TLS refused: {e}\n")
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


# --- the control side ---------------------------------------------------------------

class Control(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def send(self, code, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        st = self.server.state
        with st.lock:
            if self.path == "/stats":
                return self.send(200, {"posts": st.posts, "messages": len(st.messages),
                                       "tokens": len(st.tokens), "violations": st.violations,
                                       "requests": st.requests, "refused": st.refused,
                                       "bae_asked": st.bae_asked,
                                       "bae_asked_by": st.bae_asked_by, "inbox": len(st.inbox),
                                       "inbox_reads": st.inbox_reads})
            if self.path == "/messages":
                return self.send(200, [{k: v for k, v in st.messages[i].items() if k != "files"}
                                       for i in st.order])
        self.send(404, {"error": "no such control path"})

    def do_POST(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        cmd = json.loads(self.rfile.read(n) or b"{}")
        with st.lock:
            if "mode" in cmd:
                st.mode = cmd["mode"]
            if "delay" in cmd:
                st.delay = float(cmd["delay"])
            if "token_ttl" in cmd:
                st.token_ttl = int(cmd["token_ttl"])
            if "now" in cmd:
                st.now_offset = parse_iso(cmd["now"]) - time.time()
            if "bae" in cmd:
                st.bae = list(cmd["bae"])
            if "bae_mode" in cmd:
                st.bae_mode = cmd["bae_mode"]
            if "client" in cmd:
                c = cmd["client"]
                pub = subprocess.run(["openssl", "x509", "-in", c["cert"], "-pubkey", "-noout"],
                                     check=True, capture_output=True).stdout
                fd, path = tempfile.mkstemp(suffix=".pem")
                with os.fdopen(fd, "wb") as f:
                    f.write(pub)
                st.clients[f"{c['address']}.SYSTEM.{c['system_name']}"] = (c["address"], path)
            if "collect" in cmd:
                at = parse_iso(cmd["collect"])
                for m in st.messages.values():
                    if m["collected"] or any(e["type"] == "A.2" for e in m["evidences"]):
                        continue
                    m["collected"] = True
                    if m["hybrid"]:
                        st.evidence(m, "H.EPO", at)
                    else:
                        st.evidence(m, "E.1", at)
                        st.evidence(m, "BP.OX", at)
            answer = {"ok": True}
            if "receive" in cmd:
                r = cmd["receive"]
                mid = r.get("id") or secrets.token_hex(16)
                who = {k: r[k] for k in ("firstName", "lastName", "companyName") if k in r}
                atts = []
                for i, a in enumerate(r.get("attachments", [])):
                    atts.append({"order": i + 1, "attachmentId": secrets.token_hex(8),
                                 "filename": a["filename"], "contentType": a["contentType"],
                                 "description": a.get("description", ""),
                                 "bytes": base64.b64decode(a["content"]),
                                 "inline": a.get("inline", True)})
                st.inbox[mid] = {"id": mid, "mailbox": r.get("mailbox", st.args.address),
                                 "from": {"eDeliveryAddress": r["from"], "contributor": who},
                                 "subject": r.get("subject", ""), "text": r.get("text", ""),
                                 "caseId": r.get("caseId", ""),
                                 "submitted": r.get("submitted") or iso(st.clock()),
                                 "opened": False, "attachments": atts}
                st.inbox_order.append(mid)
                answer["received"] = mid
        self.send(200, answer)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--port", "--control-port"):
        ap.add_argument(a, type=int, required=True)
    for a in ("--cert", "--key", "--ca", "--client-cert", "--address", "--system-name",
              "--yaml", "--violations"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    state = State(args)
    spec = Spec(args.yaml)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)
    ctx.load_verify_locations(args.ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    api = TlsServer(("127.0.0.1", args.port), Api)
    api.state, api.spec, api.context = state, spec, ctx
    control = HTTPServer(("127.0.0.1", args.control_port), Control)
    control.state = state
    open(args.violations, "a").close()
    threading.Thread(target=control.serve_forever, daemon=True).start()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    os.write(1, b"ready\n")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
