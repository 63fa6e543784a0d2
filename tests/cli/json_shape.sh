#!/usr/bin/env bash
# The documented JSON shape of simulate/exact/list, the CSV/SVG outputs, and --help everywhere.
set -eu
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
"$bin" simulate --lattice square --L 4 --beta 0.3,0.5 --algo wolff --sweeps 3000 --seed 3 --json --quiet \
  --csv "$tmp/out.csv" --plot "$tmp/out.svg" >"$tmp/sim.json"
$PY - "$tmp/sim.json" <<'PYEOF'
import json, sys, math
d = json.load(open(sys.argv[1]))
assert d["command"] == "simulate" and d["algo"] == "wolff" and d["model"]["num_spins"] == 16
assert len(d["results"]) == 2
for r in d["results"]:
    assert "beta" in r
    for k in ["energy_per_spin", "abs_magnetization_per_spin", "susceptibility", "specific_heat", "binder_cumulant"]:
        e = r[k]
        assert set(["mean", "error", "tau_int"]) <= set(e), k
        assert e["error"] > 0 and e["tau_int"] >= 0.4, (k, e)
    # exact enumeration rides along for small models, with z-scores
    assert abs(r["exact"]["z_energy_per_spin"]) < 4, r["exact"]
print("simulate JSON ok")
PYEOF
head -1 "$tmp/out.csv" | grep -q "^beta,energy_per_spin,energy_per_spin_error,energy_per_spin_tau_int"
[ "$(wc -l <"$tmp/out.csv")" -eq 3 ]
grep -q "</svg>" "$tmp/out.svg"
"$bin" exact --lattice square --L 4 --beta 0.4406868 --json >"$tmp/ex.json"
"$bin" exact --lattice square --L 4 --beta 0.4406868 --method kaufman --json >"$tmp/kf.json"
$PY - "$tmp/ex.json" "$tmp/kf.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
k = json.load(open(sys.argv[2]))
assert d["method"] == "enumerate" and k["method"] == "kaufman"
r, q = d["results"][0], k["results"][0]
for key in ["energy_per_spin", "specific_heat"]:
    assert abs(r[key]["mean"] - q[key]["mean"]) < 1e-9, (key, r[key], q[key])
    assert r[key]["error"] == 0
print("exact JSON ok")
PYEOF
"$bin" exact --lattice square --L 16 --beta 0.4406868 --json | $PY -c "import json,sys; d=json.load(sys.stdin); assert d['method']=='kaufman', d"
"$bin" exact --lattice chain --L 100 --beta 0.5 --h 0.1 --json | $PY -c "import json,sys; d=json.load(sys.stdin); assert d['method']=='chain', d"
# A small demo: the JSON carries runs, crossings and a top-level beta_c_estimate {mean, error}.
"$bin" demo --sizes 8,16 --beta 0.38:0.50:13 --sweeps 3000 --therm 300 --threads 2 --quiet --json \
  --plot "$tmp/demo.svg" >"$tmp/demo.json"
$PY - "$tmp/demo.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["L"] for r in d["runs"]] == [8, 16]
assert len(d["runs"][0]["results"]) == 13
est = d["beta_c_estimate"]
assert set(est) == {"mean", "error"} and est["error"] > 0, est
assert abs(est["mean"] - 0.4407) < 0.03, est
assert d["binder_crossings"][0]["found"]
print("demo JSON ok", est)
PYEOF
grep -q "</svg>" "$tmp/demo.svg"
"$bin" list | grep -q "wolff"
"$bin" list | grep -q "metropolis-checkerboard"
for c in simulate exact demo list; do "$bin" $c --help | grep -q "Usage"; done
"$bin" --help | grep -q "simulate"
echo "all ok"
