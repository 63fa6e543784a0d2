#!/usr/bin/env bash
# `spinlab hopfield capacity`: JSON shape, retrieval below and collapse above alpha_c, a
# finite-size extrapolation with two sizes, the SVG, and bad input.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
"$bin" hopfield capacity --N 200,400 --alpha 0.04:0.34:6 --samples 3 --probes 20 --json --quiet \
  --plot "$tmp/c.svg" >"$tmp/c.json" || { echo "FAIL: hopfield capacity"; exit 1; }
$PY - "$tmp/c.json" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "hopfield capacity" and d["rule"] == "hebb"
assert abs(d["ags_alpha_c"] - 0.138) < 0.001
assert [s["N"] for s in d["sizes"]] == [200, 400]
for s in d["sizes"]:
    pts = s["points"]
    assert len(pts) == 6 and pts[0]["P"] == round(0.04 * s["N"])
    assert pts[0]["retrieval"]["mean"] == 1.0 and pts[-1]["retrieval"]["mean"] < 0.5
    assert 0.04 < s["alpha_c"]["mean"] < 0.34 and s["alpha_c"]["error"] >= 0
    assert pts[0]["ags_overlap"] > 0.99 and pts[-1]["ags_overlap"] is None
    assert set(s["seconds"]) == {"couplings", "start_fields", "dynamics"}
e = d["extrapolation"]
assert set(e) == {"form", "alpha_c_inf", "a", "chi2_per_dof"} and e["chi2_per_dof"] is None
print("hopfield capacity JSON ok")
PYEOF
grep -q "</svg>" "$tmp/c.svg" || { echo "FAIL: no capacity SVG"; fail=1; }
"$bin" hopfield capacity --N 100 --alpha 0.05,0.5 --samples 2 --rule storkey --update sync --quiet >"$tmp/t.txt" \
  || { echo "FAIL: table"; fail=1; }
grep -q "alpha_c(N = 100)" "$tmp/t.txt" || { echo "FAIL: no alpha_c line"; fail=1; }
"$bin" hopfield phase --N 100 --alpha 0.02,0.5 --T 0.1,1.8 --therm 30 --sweeps 30 --json --quiet --plot "$tmp/p.svg" \
  >"$tmp/p.json" || { echo "FAIL: hopfield phase"; exit 1; }
$PY - "$tmp/p.json" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "hopfield phase" and len(d["points"]) == 4
ph = {(p["alpha"], p["T"]): p["phase"] for p in d["points"]}
assert ph[(0.02, 0.1)] == "retrieval" and ph[(0.02, 1.8)] == "paramagnetic", ph
l = d["ags_lines"]
assert len(l["alpha"]) == len(l["T_M"]) == len(l["T_g"]) and l["T_M"][0] == 1.0
print("hopfield phase JSON ok")
PYEOF
grep -q "</svg>" "$tmp/p.svg" || { echo "FAIL: no phase SVG"; fail=1; }
# recall from a CSV of 0/1 images (correlated: pixels on with probability 0.7)
$PY - "$tmp/img.csv" <<'PYEOF'
import random, sys
random.seed(3)
with open(sys.argv[1], "w") as f:
    for r in range(12):
        f.write(",".join("1" if random.random() < 0.7 else "0" for _ in range(100)) + "\n")
PYEOF
"$bin" hopfield recall --images "$tmp/img.csv" --count 10 --noise 0.1 --rule hebb,pinv --json --png "$tmp/r.png" \
  >"$tmp/r.json" || { echo "FAIL: hopfield recall"; exit 1; }
$PY - "$tmp/r.json" "$tmp/r.png" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "hopfield recall" and d["N"] == 100 and d["count"] == 10
r = {x["rule"]: x for x in d["rules"]}
assert r["pinv"]["exact_fraction"] == 1.0 and r["hebb"]["retrieved_fraction"] < 0.5, r
assert open(sys.argv[2], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
print("hopfield recall JSON and PNG ok")
PYEOF
. "$2/tests/lib/expect_error.sh"
expect_error "--alpha" hopfield capacity --N 100 --alpha 0:1.5:3
expect_error "--alpha" hopfield capacity --N 100 --alpha 0.2,0.1
expect_error "--N" hopfield capacity --N 0 --alpha 0.1
expect_error "--N" hopfield capacity --N -5 --alpha 0.1
expect_error "--N" hopfield capacity --N 10000000 --alpha 0.1
expect_error "--N" hopfield capacity --N abc --alpha 0.1
expect_error "--noise" hopfield capacity --N 100 --alpha 0.1 --noise 1.5
expect_error "--noise" hopfield capacity --N 100 --alpha 0.1 --noise=-0.1
expect_error "--rule" hopfield capacity --N 100 --alpha 0.1 --rule oja
expect_error "--samples" hopfield capacity --N 100 --alpha 0.1 --samples 1
expect_error "--bias" hopfield capacity --N 100 --alpha 0.1 --bias 1
expect_error "--threshold" hopfield capacity --N 100 --alpha 0.1 --threshold 0
expect_error "subcommand" hopfield
expect_error "--update" hopfield capacity --N 100 --alpha 0.1 --update parallel
expect_error "--T" hopfield phase --N 100 --T=-1,0.5
expect_error "--N" hopfield phase --N 2
expect_error "--alpha" hopfield phase --N 100 --alpha 2
expect_error "--count" hopfield recall --images "$tmp/img.csv" --count 50
expect_error "--count" hopfield recall --images "$tmp/img.csv" --count 0
expect_error "--noise" hopfield recall --images "$tmp/img.csv" --noise 1.5
expect_error "--rule" hopfield recall --images "$tmp/img.csv" --rule hebb,oja
expect_error "nope.csv" hopfield recall --images "$tmp/nope.csv"
expect_error "--theta" hopfield recall --images "$tmp/img.csv" --theta nan
printf '0.1 0.2 0.3\n' >"$tmp/theta3.txt"
expect_error "--theta: 3 thresholds for 100 neurons" hopfield recall --images "$tmp/img.csv" --theta "$tmp/theta3.txt"
# a threshold above every field: every recalled state is all -1 (m = -mean pattern, never retrieved)
"$bin" hopfield recall --images "$tmp/img.csv" --count 10 --rule pinv --theta 1e6 --json >"$tmp/rt.json" || { echo "FAIL: recall --theta"; fail=1; }
/usr/bin/python3 - "$tmp/rt.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["theta"] == [1e6] and d["rules"][0]["retrieved_fraction"] == 0.0, d["rules"][0]
print("hopfield recall --theta ok")
PY
exit $fail
