#!/usr/bin/env python3
"""check-metrics.py: every metric the dashboard and the alerts use exists.

Reads the metric names and labels that cmd/parcelguard/metrics.go defines
(histograms with their _bucket, _sum and _count series), adds the Go and
process collectors that cmd/parcelguard/run.go registers, and checks every
metric name and grouping label in deploy/grafana/*.json and
deploy/prometheus/alerts.yaml against them.

    python3 deploy/check-metrics.py     # from the repository root; exit 1 on a miss
"""
import glob, json, os, re, sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = open(os.path.join(ROOT, "cmd/parcelguard/metrics.go")).read()
run = open(os.path.join(ROOT, "cmd/parcelguard/run.go")).read()

# mName = desc("name", "help", "label", ...)
defs = {}
for var, args in re.findall(r'^\s*(m\w+)\s*=\s*desc\((.*)\)\s*$', src, re.M):
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
    defs[var] = ("parcelguard_" + strings[0], strings[2:])
histograms = set(re.findall(r'histogram\(ch,\s*(m\w+)', src))

known, labels = {}, {"job", "instance", "namespace", "pod", "le"}
for var, (name, lbls) in defs.items():
    labels.update(lbls)
    if var in histograms:
        for suffix in ("_bucket", "_sum", "_count"):
            known[name + suffix] = "metrics.go (histogram)"
    else:
        known[name] = "metrics.go"

# The standard collectors of client_golang, when run.go registers them.
if "NewProcessCollector" in run:
    for n in ("process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
              "process_open_fds", "process_max_fds", "process_start_time_seconds"):
        known[n] = "process collector"
if "NewGoCollector" in run:
    for n in ("go_goroutines", "go_threads", "go_memstats_heap_inuse_bytes", "go_memstats_alloc_bytes", "go_gc_duration_seconds"):
        known[n] = "Go collector"

exprs = []  # (where, expression)


def walk(node, where):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("expr", "definition") and isinstance(v, str):
                exprs.append((where, v))
            elif k == "query" and isinstance(v, str) and node.get("type") == "query":
                exprs.append((where, v))
            else:
                walk(v, where)
    elif isinstance(node, list):
        for v in node:
            walk(v, where)


for f in sorted(glob.glob(os.path.join(ROOT, "deploy/grafana/*.json"))):
    walk(json.load(open(f)), os.path.relpath(f, ROOT))
for f in [os.path.join(ROOT, "deploy/prometheus/alerts.yaml")]:
    for g in yaml.safe_load(open(f))["groups"]:
        for r in g["rules"]:
            exprs.append((os.path.relpath(f, ROOT) + " " + r.get("alert", r.get("record", "")), r["expr"]))

used, bad = {}, 0
for where, e in exprs:
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', e)  # no label values
    for name in re.findall(r'\b((?:parcelguard|process|go)_[a-z0-9_]+)\b', bare):
        used.setdefault(name, set()).add(where)
    for group in re.findall(r'\b(?:by|without|on|ignoring)\s*\(([^)]*)\)', bare):
        for lbl in (x.strip() for x in group.split(",")):
            if lbl and lbl not in labels:
                print("UNKNOWN LABEL %-30s in %s" % (lbl, where))
                bad += 1
    for lbl in re.findall(r'[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)', bare):
        if lbl not in labels:
            print("UNKNOWN LABEL %-30s in %s" % (lbl, where))
            bad += 1

for name in sorted(used):
    if name in known:
        print("ok      %-50s %s" % (name, known[name]))
    else:
        print("MISSING %-50s used in %s" % (name, ", ".join(sorted(used[name]))))
        bad += 1
print("%d expressions, %d metric names used, %d of them defined; %d problems"
      % (len(exprs), len(used), sum(1 for n in used if n in known), bad))
sys.exit(1 if bad else 0)
