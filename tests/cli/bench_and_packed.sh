#!/usr/bin/env bash
# `spinlab bench --json` rows and the packed simulate path's JSON (kernel, memory, threads).
set -eu
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
"$bin" bench --quick --json --quiet >"$tmp/bench.json"
$PY - "$tmp/bench.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "bench" and d["cpu"]
rows = d["rows"]
kernels = {r["kernel"] for r in rows}
assert "naive" in kernels and "msc-scalar" in kernels, kernels
assert any(k.startswith("sw") for k in kernels) and any(k.startswith("wolff") for k in kernels), kernels
for r in rows:
    assert set(["kernel", "dim", "L", "threads", "flips_per_ns", "baseline_flips_per_ns", "speedup"]) <= set(r), r
    assert r["flips_per_ns"] > 0, r
    if r["kernel"].startswith("msc"):
        assert abs(r["speedup"] - r["flips_per_ns"] / r["baseline_flips_per_ns"]) < 1e-9 * r["speedup"], r
print("bench JSON ok")
PYEOF
"$bin" simulate --lattice square --L 256 --beta 0.44 --sweeps 200 --therm 20 --threads 2 --json --quiet >"$tmp/a.json"
"$bin" simulate --lattice square --L 256 --beta 0.44 --sweeps 200 --therm 20 --threads 1 --json --quiet >"$tmp/b.json"
$PY - "$tmp/a.json" "$tmp/b.json" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["kernel"].startswith("msc-"), a["kernel"]
assert a["kernel_threads"] == 2 and a["memory"]["state_bytes"] == 256 * 256 // 8, a["memory"]
# the thread count does not change the numbers
assert a["results"][0]["energy_per_spin"] == b["results"][0]["energy_per_spin"]
print("packed simulate JSON ok")
PYEOF
# Open boundaries, a field or an unsupported L fall back to the generic path, and say so.
"$bin" simulate --lattice square --L 256 --boundary open --beta 0.44 --sweeps 20 --therm 2 --json --quiet | grep -q '"kernel": "lattice-checkerboard\|"kernel": "csr'
"$bin" simulate --lattice square --L 100 --beta 0.44 --sweeps 20 --therm 2 --json --quiet | grep -q '"kernel": "lattice-checkerboard'
"$bin" simulate --help | grep -q "multi-spin-coded"
"$bin" bench --threads 0 2>"$tmp/err" && exit 1
grep -q "threads" "$tmp/err"
# Network rows: the generic heat-bath (1 chain, one chain per thread) and heatbath-colored per thread count.
"$bin" bench --network ba:n=40000,m=3 --quick --json --quiet >"$tmp/net.json"
$PY - "$tmp/net.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["network"].startswith("ba:n=40000,m=3") and d["network_build_seconds"] > 0 and d["beta"] == 0.05, d
kernels = [(r["kernel"], r["threads"]) for r in d["rows"]]
assert kernels == [("csr-table", 1), ("csr-table x2 chains", 2), ("colored-table", 1), ("colored-table", 2)], kernels
for r in d["rows"]:
    assert r["dim"] == 0 and r["L"] == 40000 and r["flips_per_ns"] > 0, r
    assert abs(r["speedup"] - r["flips_per_ns"] / r["baseline_flips_per_ns"]) < 1e-9 * r["speedup"], r
print("network bench JSON ok")
PYEOF
"$bin" bench --network bogus:n=3 --quiet 2>"$tmp/err" && exit 1
grep -q "unknown generator" "$tmp/err"
rc=0
"$bin" bench --network ba:n=100,m=2 --beta nan --quiet 2>"$tmp/err" || rc=$?
test "$rc" -eq 2
grep -q -- "--beta" "$tmp/err"
"$bin" bench --help | grep -q -- "--network"
echo "bench and packed path ok"
