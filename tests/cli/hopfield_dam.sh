#!/usr/bin/env bash
# `spinlab dam capacity` and `spinlab dam overload`: JSON shape, a scaling exponent near n - 1,
# the overload crossover, SVGs, and bad input.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
"$bin" dam capacity --energy poly:3 --N 30,60 --load 0.03:0.3:6 --samples 3 --probes 10 --json --quiet \
  --plot "$tmp/c.svg" >"$tmp/c.json" || { echo "FAIL: dam capacity"; exit 1; }
"$bin" dam overload --energy poly:3 --N 40 --P 5:3000:6 --samples 2 --starts 10 --json --quiet \
  --plot "$tmp/o.svg" >"$tmp/o.json" || { echo "FAIL: dam overload"; exit 1; }
$PY - "$tmp/c.json" "$tmp/o.json" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "dam capacity" and d["energy"] == "poly:3" and d["expected_exponent"] == 2
for s in d["sizes"]:
    assert s["points"][0]["P"] == round(0.03 * s["N"] ** 2)
    assert s["points"][0]["retrieval"]["mean"] == 1.0 and s["points"][-1]["retrieval"]["mean"] < 0.5
    assert abs(s["P_max"]["mean"] - s["load_c"]["mean"] * s["N"] ** 2) < 1e-6 * s["P_max"]["mean"]
assert 1.0 < d["exponent"]["mean"] < 3.0, d["exponent"]
o = json.load(open(sys.argv[2]))
assert o["command"] == "dam overload" and [p["P"] for p in o["points"]][0] == 5
for p in o["points"]:
    tot = p["stored_exact"]["mean"] + p["stored_near"]["mean"] + p["new_attractor"]["mean"]
    assert abs(tot - 1) < 1e-12
assert o["points"][0]["stored_exact"]["mean"] == 1.0 and o["points"][-1]["new_attractor"]["mean"] > 0.5
assert 5 < o["crossover_P"]["mean"] < 3000
print("dam JSON ok")
PYEOF
grep -q "</svg>" "$tmp/c.svg" || { echo "FAIL: no capacity SVG"; fail=1; }
grep -q "crossover" "$tmp/o.svg" || { echo "FAIL: no crossover marker in the overload SVG"; fail=1; }
"$bin" dam capacity --energy exp --N 16,24 --load 0.1:0.4:4 --samples 2 --probes 5 --quiet >"$tmp/e.txt" \
  || { echo "FAIL: exp capacity"; fail=1; }
grep -q "ln P_max = c + k N" "$tmp/e.txt" || { echo "FAIL: exp exponent line"; fail=1; }
. "$2/tests/lib/expect_error.sh"
expect_error "--energy" dam capacity --energy poly:1
expect_error "--energy" dam capacity --energy tanh
expect_error "--N" dam capacity --N 0
expect_error "--N" dam overload --N 3
expect_error "--load" dam capacity --N 20 --load 0.2,0.1
expect_error "--load" dam capacity --energy exp --N 100 --load 0.5
expect_error "--noise" dam capacity --N 20 --noise 2
expect_error "--P" dam overload --N 20 --P 10,5
expect_error "--P" dam overload --N 20 --P 0:10:3
expect_error "--samples" dam overload --N 20 --samples 1
exit $fail
