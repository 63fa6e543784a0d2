#!/usr/bin/env bash
# `spinlab glass`: JSON shape, thread independence, plot, bad input.
set -eu
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
run() { "$bin" glass --model sk --sizes 8,12 --beta 0.5,1,1.5 --samples 4 --sweeps 400 --therm 100 --quiet --json "$@"; }
run --threads 1 >"$tmp/a.json"
run --threads 2 --plot "$tmp/g.svg" >"$tmp/b.json"
$PY - "$tmp/a.json" "$tmp/b.json" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["command"] == "glass" and [s["size"] for s in a["sizes"]] == [8, 12]
for s in a["sizes"]:
    assert len(s["points"]) == 3
    for p in s["points"]:
        for k in ["q2", "chi_sg", "binder_g", "energy_per_spin"]:
            assert set(["mean", "error"]) <= set(p[k]), k
        assert 0 <= p["q2"]["mean"] <= 1
# samples run in parallel without changing the numbers
assert a["sizes"] == b["sizes"], "threads changed the result"
print("glass JSON ok")
PYEOF
grep -q "</svg>" "$tmp/g.svg"
! "$bin" glass --model foo --sizes 4 --beta 0.5,1 2>"$tmp/err" && grep -q -- "--model" "$tmp/err"
! "$bin" glass --model sk --sizes 8 --beta 0.5 2>"$tmp/err" && grep -q "at least 2 temperatures" "$tmp/err"
! "$bin" glass --model sk --sizes 8 --beta 0.5,1 --samples 1 2>"$tmp/err" && grep -q -- "--samples" "$tmp/err"
echo "glass CLI ok"
