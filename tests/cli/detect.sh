#!/usr/bin/env bash
# `spinlab detect`: JSON shape on a small lattice, the text table, the plot, and bad input.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
"$bin" detect --lattice square --L 16 --beta 0.3:0.6:13 --samples 400 --therm 200 --bootstrap 50 --json --quiet \
  --plot "$tmp/d.svg" >"$tmp/d.json" || { echo "FAIL: detect --json"; exit 1; }
$PY - "$tmp/d.json" <<'PYEOF' || fail=1
import json, math, sys
j = json.load(open(sys.argv[1]))
assert j["command"] == "detect" and j["model"].startswith("square 16x16"), j["model"]
assert len(j["betas"]) == 13 and abs(j["betas"][0] - 0.3) < 1e-12 and abs(j["betas"][-1] - 0.6) < 1e-12
assert j["algo"] == "wolff" and j["samples"] == 400
assert "magnetization" not in j["features"] and "broken_bonds" in j["features"], j["features"]
d = j["dissimilarity"]
assert len(d) == 12
for k, p in enumerate(d):
    assert abs(p["beta_mid"] - (j["betas"][k] + j["betas"][k + 1]) / 2) < 1e-12
    assert 0 <= p["value"]["mean"] <= math.log(2) and p["value"]["error"] > 0
    assert len(p["per_feature"]) == len(j["features"]) and p["floor"] >= 0
t = j["transition_estimate"]
assert t["error"] > 0 and 0.40 < t["mean"] < 0.47, t
assert abs(j["beta_c"] - 0.5 * math.log(1 + math.sqrt(2))) < 1e-12
assert abs(j["relative_deviation"] - (t["mean"] - j["beta_c"]) / j["beta_c"]) < 1e-12
assert len(j["tau_int"]) == 13 and j["seconds"] >= 0 and isinstance(j["warnings"], list)
print("detect JSON ok: estimate %.4f +- %.4f" % (t["mean"], t["error"]))
PYEOF
grep -q "</svg>" "$tmp/d.svg" || { echo "FAIL: no detect SVG"; fail=1; }
grep -q "beta_c" "$tmp/d.svg" || { echo "FAIL: beta_c not marked in the SVG"; fail=1; }
# Text output: the table, the estimate and Onsager's beta_c; no beta_c off the square lattice.
# Three betas give two points: the peak lies at an end of the grid, which is warned about.
"$bin" detect --lattice square --L 8 --beta 0.3,0.45,0.6 --samples 100 --bootstrap 10 --quiet >"$tmp/t.txt" \
  2>"$tmp/t.err" || { echo "FAIL: detect (text)"; fail=1; }
grep -q "warning: the dissimilarity peaks at an end" "$tmp/t.err" || { echo "FAIL: no end-of-grid warning"; fail=1; }
grep -q "transition estimate: beta = " "$tmp/t.txt" && grep -q "Onsager beta_c = 0.440687" "$tmp/t.txt" \
  || { echo "FAIL: detect text output: $(cat "$tmp/t.txt")"; fail=1; }
"$bin" detect --lattice cubic --L 4 --beta 0.1:0.4:7 --samples 100 --bootstrap 10 --json --quiet >"$tmp/c.json" 2>/dev/null \
  || { echo "FAIL: detect cubic"; fail=1; }
$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); assert "beta_c" not in j and "local_u6" in j["features"]' \
  "$tmp/c.json" || { echo "FAIL: cubic JSON"; fail=1; }
. "$2/tests/lib/expect_error.sh"
expect_error "--beta" detect --lattice square --L 8
expect_error "--beta" detect --lattice square --L 8 --beta 0.3,0.4
expect_error "--beta" detect --lattice square --L 8 --beta 0.3:0.6:2
expect_error "--beta" detect --lattice square --L 8 --beta 0.5,0.4,0.6
expect_error "--beta" detect --lattice square --L 8 --beta 0.3,x,0.6
expect_error "--algo" detect --lattice square --L 8 --beta 0.3:0.6:4 --algo nonsense
expect_error "--samples" detect --lattice square --L 8 --beta 0.3:0.6:4 --samples 0
expect_error "--bootstrap" detect --lattice square --L 8 --beta 0.3:0.6:4 --bootstrap 1
expect_error "--bins" detect --lattice square --L 8 --beta 0.3:0.6:4 --bins 1
expect_error "--measure-every" detect --lattice square --L 8 --beta 0.3:0.6:4 --measure-every 0
expect_error "--threads" detect --lattice square --L 8 --beta 0.3:0.6:4 --threads 0
expect_error "--lattice" detect --beta 0.3:0.6:4
exit $fail
