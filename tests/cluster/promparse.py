# SPDX-License-Identifier: EUPL-1.2
"""A strict parser of the Prometheus text exposition format 0.0.4 (stdlib
only), the Python twin of tests/unit/prom_parse.h: it refuses malformed
lines, bad names and escapes, duplicate series, families split apart,
missing HELP, TYPE after samples, counters not named *_total, and
histograms whose buckets are not cumulative or whose +Inf bucket differs
from _count.

    samples = parse(text)   # {(name, (("label", "value"), ...)): value}
    raises ValueError("line N: why") on the first problem
"""
import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def _float(s):
    if s in ("NaN",):
        return math.nan
    if s in ("+Inf", "Inf"):
        return math.inf
    if s == "-Inf":
        return -math.inf
    if not FLOAT.fullmatch(s):
        raise ValueError(f"bad value {s!r}")
    return float(s)


def _labels(s, i, ln):
    """Parses {a="b",...} starting at s[i] == '{'; returns (labels, next index)."""
    out = {}
    i += 1
    while s[i] != "}":
        m = LABEL.match(s, i)
        if not m or m.group().startswith("__"):
            raise ValueError(f"line {ln}: bad label name")
        name = m.group()
        i = m.end()
        if s[i:i + 2] != '="':
            raise ValueError(f"line {ln}: expected =\" after {name}")
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise ValueError(f"line {ln}: unterminated label value")
            c = s[i]
            if c == '"':
                break
            if c == "\\":
                i += 1
                esc = s[i] if i < len(s) else ""
                if esc == "n":
                    c = "\n"
                elif esc in ('\\', '"'):
                    c = esc
                else:
                    raise ValueError(f"line {ln}: bad escape in a label value")
            val.append(c)
            i += 1
        i += 1
        if name in out:
            raise ValueError(f"line {ln}: duplicate label {name}")
        out[name] = "".join(val)
        if s[i] == ",":
            i += 1
        elif s[i] != "}":
            raise ValueError(f"line {ln}: expected , or }} after a label")
    return out, i + 1


def parse(text):
    if not text:
        raise ValueError("empty exposition")
    if not text.endswith("\n"):
        raise ValueError("no line feed at the end")
    types, helps, closed = {}, set(), set()
    samples = {}
    order = []  # (family, name, labels dict, value)
    current = None

    def family_of(name):
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
                return base
        return name

    def switch(fam):
        nonlocal current
        if current is not None and current != fam:
            closed.add(current)
        current = fam

    for ln, line in enumerate(text[:-1].split("\n"), 1):
        if line == "":
            continue
        if line.startswith("#"):
            parts = line[1:].lstrip(" ").split(" ", 2)
            if parts[0] in ("HELP", "TYPE"):
                if len(parts) < 2 or not NAME.fullmatch(parts[1]):
                    raise ValueError(f"line {ln}: bad metric name in {parts[0]}")
                name = parts[1]
                if name in closed:
                    raise ValueError(f"line {ln}: metadata after another family's samples")
                if parts[0] == "HELP":
                    if name in helps:
                        raise ValueError(f"line {ln}: HELP twice for {name}")
                    if len(parts) < 3 or parts[2] == "":
                        raise ValueError(f"line {ln}: empty HELP")
                    if re.search(r"\\[^\\n]", parts[2].replace("\\\\", "")):
                        raise ValueError(f"line {ln}: bad escape in HELP")
                    helps.add(name)
                else:
                    if name in types:
                        raise ValueError(f"line {ln}: TYPE twice for {name}")
                    if any(f == name for f, *_ in order):
                        raise ValueError(f"line {ln}: TYPE after samples of {name}")
                    if len(parts) < 3 or parts[2] not in TYPES:
                        raise ValueError(f"line {ln}: unknown type")
                    types[name] = parts[2]
                switch(name)
            continue
        m = NAME.match(line)
        if not m:
            raise ValueError(f"line {ln}: bad metric name")
        name = m.group()
        i = m.end()
        labels = {}
        if i < len(line) and line[i] == "{":
            labels, i = _labels(line, i, ln)
        if i >= len(line) or line[i] != " ":
            raise ValueError(f"line {ln}: expected a space before the value")
        rest = line[i + 1:].split(" ")
        if len(rest) > 2 or "" in rest:
            raise ValueError(f"line {ln}: bad value or timestamp")
        try:
            value = _float(rest[0])
        except ValueError as e:
            raise ValueError(f"line {ln}: {e}") from None
        if len(rest) == 2 and not re.fullmatch(r"-?\d+", rest[1]):
            raise ValueError(f"line {ln}: bad timestamp")
        fam = family_of(name)
        if fam in closed:
            raise ValueError(f"line {ln}: samples of {fam} are not together")
        switch(fam)
        key = (name, tuple(sorted(labels.items())))
        if key in samples:
            raise ValueError(f"line {ln}: the same series twice: {name}{labels}")
        t = types.get(fam, "untyped")
        if t == "counter":
            if not name.endswith("_total"):
                raise ValueError(f"line {ln}: counter {name} not named *_total")
            if not value >= 0:
                raise ValueError(f"line {ln}: negative counter {name}")
        if t == "histogram":
            bucket = name.endswith("_bucket")
            if name == fam or not (bucket or name.endswith("_sum") or name.endswith("_count")):
                raise ValueError(f"line {ln}: not a histogram sample: {name}")
            if bucket != ("le" in labels):
                raise ValueError(f"line {ln}: le only and always on _bucket")
            if bucket:
                _float(labels["le"])
        samples[key] = value
        order.append((fam, name, labels, value))

    for fam in {f for f, *_ in order} | set(types):
        if fam not in helps:
            raise ValueError(f"family without HELP: {fam}")
    # Histograms: per label set, buckets ascending, cumulative, +Inf == _count, _sum present.
    for fam, t in types.items():
        if t != "histogram":
            continue
        groups = {}
        for f, name, labels, value in order:
            if f != fam:
                continue
            rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
            g = groups.setdefault(rest, {"buckets": [], "sum": None, "count": None})
            if name.endswith("_bucket"):
                g["buckets"].append((_float(labels["le"]), value))
            elif name.endswith("_sum"):
                g["sum"] = value
            else:
                g["count"] = value
        for rest, g in groups.items():
            les = [le for le, _ in g["buckets"]]
            vals = [v for _, v in g["buckets"]]
            if les != sorted(les) or len(set(les)) != len(les):
                raise ValueError(f"{fam}{rest}: buckets out of order")
            if any(b < a for a, b in zip(vals, vals[1:])):
                raise ValueError(f"{fam}{rest}: buckets not cumulative")
            if not les or les[-1] != math.inf:
                raise ValueError(f"{fam}{rest}: no +Inf bucket")
            if g["count"] is None or g["sum"] is None or vals[-1] != g["count"]:
                raise ValueError(f"{fam}{rest}: +Inf bucket, _sum and _count disagree")
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def total(samples, name):
    return sum(v for (n, _), v in samples.items() if n == name)


if __name__ == "__main__":
    import sys
    try:
        s = parse(sys.stdin.read())
    except ValueError as e:
        print(f"invalid: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {len(s)} series")
