#!/usr/bin/env bash
# `spinlab social`: network statistics, the sweep's JSON / CSV / SVG, the opinion moves in `list`,
# and bad input (one line naming the flag or file, exit 2).
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
source "$(dirname "$0")/../lib/expect_error.sh"

"$bin" list | grep -q "^  voter " && "$bin" list | grep -q "^  majority-vote " && "$bin" list | grep -q "^  majority " \
  || { echo "FAIL: opinion moves missing from spinlab list"; fail=1; }

"$bin" social network --network rr:n=1000,k=4 --json >"$tmp/n.json" || { echo "FAIL: social network"; exit 1; }
$PY - "$tmp/n.json" <<'PYEOF' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
assert j["nodes"] == 1000 and j["edges"] == 2000 and j["mean_degree"] == 4 and j["mean_degree_sq"] == 16, j
assert j["kind"] == "rr" and j["negative_edges"] == 0
print("social network JSON ok")
PYEOF

"$bin" social sweep --network sbm:sizes=100,100,p_in=0.1,p_out=0.02 --antagonistic between --beta 0.1:0.9:5 \
  --sweeps 300 --therm 100 --json --quiet --csv "$tmp/s.csv" --plot "$tmp/s.svg" >"$tmp/s.json" \
  || { echo "FAIL: social sweep --json"; exit 1; }
$PY - "$tmp/s.json" "$tmp/s.csv" <<'PYEOF' || fail=1
import json, sys, math
j = json.load(open(sys.argv[1]))
assert j["command"] == "social sweep" and j["network"]["communities"] == 2 and j["network"]["negative_edges"] > 0
pts = j["points"]
assert len(pts) == 5 and abs(pts[0]["beta"] - 0.1) < 1e-12
for p in pts:
    for k in ("abs_m", "susceptibility", "binder", "wall_density", "polarization", "echo_index", "echo_agree"):
        assert set(p[k]) >= {"mean", "error", "tau_int"}, (k, p[k])
    assert len(p["community_m"]) == 2
# negative partisanship: at low temperature the two communities take opposite sides
assert pts[-1]["polarization"]["mean"] > 0.5, pts[-1]["polarization"]
assert pts[-1]["abs_m"]["mean"] < 0.3
assert set(j["beta_c_estimate"]) >= {"mean", "error"}
assert "bethe" not in j["predictions"] and "uncorrelated" not in j["predictions"]  # signed couplings
rows = open(sys.argv[2]).read().strip().split("\n")
assert rows[0].startswith("beta,abs_m,abs_m_err,susceptibility") and len(rows) == 6
print("social sweep JSON/CSV ok")
PYEOF
grep -q "</svg>" "$tmp/s.svg" || { echo "FAIL: no sweep SVG"; fail=1; }

"$bin" social sweep --network rr:n=400,k=3 --beta 0.3:0.8:6 --sweeps 200 --therm 50 --quiet >"$tmp/t.txt" 2>/dev/null \
  || { echo "FAIL: social sweep text"; fail=1; }
grep -q "prediction bethe         beta_c = 0.549306" "$tmp/t.txt" && grep -q "prediction uncorrelated" "$tmp/t.txt" \
  || { echo "FAIL: sweep text lacks the predictions: $(cat "$tmp/t.txt")"; fail=1; }
"$bin" social sweep --network ba:n=500,m=2 --beta 0.1:0.5:3 --sweeps 100 --therm 10 --quiet >"$tmp/b.txt" 2>/dev/null
grep -q "runs away with N" "$tmp/b.txt" || { echo "FAIL: no scale-free note for BA"; fail=1; }

# social target: the JSON shape of the issue (strategies -> {final_magnetization, time_to_flip})
"$bin" social target --network ba:n=500,m=2 --budget 5 --h 50 --beta 0.3 --sweeps 20 --replicas 4 --zealots 7:+1 \
  --json --quiet >"$tmp/g.json" || { echo "FAIL: social target --json"; fail=1; }
$PY - "$tmp/g.json" <<'PYEOF' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
s = j["strategies"]
assert set(s) == {"hubs", "random", "bridges", "walls"}, s
for name, v in s.items():
    assert set(v["final_magnetization"]) >= {"mean", "error"} and "time_to_flip" in v and v["runs"] == 4, (name, v)
print("social target JSON ok")
PYEOF
expect_error "unknown strategy 'nope'" social target --network karate --strategies hubs,nope
expect_error "--budget exceeds" social target --network karate --budget 100
printf '0 1\n1 2\n3\n' >"$tmp/dangling.txt"
printf '3\n-2\n1\n' >"$tmp/neg.txt"
expect_error "unknown generator 'foo'" social network --network foo:n=3
expect_error "p must lie in \[0, 1\]" social network --network ws:n=100,k=4,p=1.2
expect_error "k must lie in \[0, n-1\]" social network --network er:n=100,k=-2
expect_error "negative degree" social network --network "config:degrees=$tmp/neg.txt"
expect_error "dangling.txt:3: dangling vertex 3" social network --network "$tmp/dangling.txt"
expect_error "zero-size community" social network --network sbm:sizes=10,0,p_in=0.5,p_out=0.1
expect_error "antagonistic between: needs communities" social network --network karate --antagonistic between
expect_error "--antagonistic: expected a fraction" social network --network karate --antagonistic 2
expect_error "--zealots" social network --network karate --zealots 99:+1
expect_error "--beta is required" social sweep --network karate
expect_error "--algo: unknown algorithm" social sweep --network karate --beta 0.1:0.5:3 --algo nope
expect_error "zealots (frozen spins) need a single-spin move" social sweep --network karate --zealots 0:+1 --beta 0.1:0.5:3 --algo wolff
# social ridge: shape, determinism with a seed, CSV/SVG, bad input
"$bin" social ridge --network rr:n=300,k=4 --beta 0.5 --h 0:0.8 --ramp-sweeps 400 --window 20 --replicas 3 \
  --surrogates 20 --json --quiet --csv "$tmp/r.csv" --plot "$tmp/r.svg" >"$tmp/r1.json" || { echo "FAIL: social ridge"; fail=1; }
"$bin" social ridge --network rr:n=300,k=4 --beta 0.5 --h 0:0.8 --ramp-sweeps 400 --window 20 --replicas 3 \
  --surrogates 20 --json --quiet --threads 1 >"$tmp/r2.json"
$PY - "$tmp/r1.json" "$tmp/r2.json" "$tmp/r.csv" <<'PYEOF' || fail=1
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("peak_time", "peak_field", "peak_gain", "flip_time", "flip_field", "lead_time"):
    assert set(a[k]) >= {"mean", "error"}, (k, a[k])
assert len(a["steps"]) == 20 and a["flipped_fraction"] == 1.0 and a["seed_count"] == 300
assert set(a["ews"]["indicators"]) == {"variance", "lag1_autocorrelation", "skewness", "kurtosis"}
a.pop("seconds"); b.pop("seconds"); a["network"].pop("build_seconds"); b["network"].pop("build_seconds")
assert a == b, "ridge is not deterministic across --threads"
rows = open(sys.argv[3]).read().strip().split("\n")
assert rows[0] == "sweep,h,gain,gain_err,m,m_err" and len(rows) == 21
print("social ridge JSON/CSV ok")
PYEOF
grep -q "</svg>" "$tmp/r.svg" || { echo "FAIL: no ridge SVG"; fail=1; }
expect_error "--h: expected A:B" social ridge --network karate --h 1
expect_error "--ramp-sweeps must be at least 3 windows" social ridge --network karate --ramp-sweeps 50 --window 40
expect_error "--seeds: '99' is not a site" social ridge --network karate --seeds 99
printf '1 -1\n' >"$tmp/short.state"
expect_error "short.state: 2 spins, the model has 34" social ridge --network karate --state "$tmp/short.state"
# social hysteresis: both loops, JSON shape, CSV rows, SVG, bad input
"$bin" social hysteresis --network sbm:sizes=50,50,p_in=0.2,p_out=0.05 --beta 0.5 --H 12 --steps 5 --repeats 2 \
  --sweeps-per-step 1,2 --json --quiet --csv "$tmp/h.csv" --plot "$tmp/h.svg" >"$tmp/h.json" || { echo "FAIL: social hysteresis"; fail=1; }
$PY - "$tmp/h.json" "$tmp/h.csv" <<'PYEOF' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
assert set(j["loops"]) == {"antagonistic", "h"}, j["loops"].keys()
for name, loops in j["loops"].items():
    assert len(loops) == 2
    for L in loops:
        assert len(L["parameter"]) == 10 and len(L["m"]) == 10 and len(L["polarization"]) == 10
        assert set(L["area_m"]) >= {"mean", "error"} and set(L["area_polarization"]) >= {"mean", "error"}
assert j["loops"]["h"][0]["area_m"]["mean"] > 0  # ordered: the loop is open
rows = open(sys.argv[2]).read().strip().split("\n")
assert rows[0] == "loop,sweeps_per_step,branch,parameter,m,m_err,polarization,polarization_err" and len(rows) == 41
print("social hysteresis JSON/CSV ok")
PYEOF
grep -q "</svg>" "$tmp/h.svg" || { echo "FAIL: no hysteresis SVG"; fail=1; }
expect_error "--loop: unknown loop 'beta'" social hysteresis --network karate --loop beta
expect_error "--loop h: the network already has fields" social hysteresis --network karate --loop h --field 0.5
expect_error "--sweeps-per-step" social hysteresis --network karate --sweeps-per-step 1,x
# social anneal: JSON shape, CSV, SVG, determinism across --threads, bad input
"$bin" social anneal --network sbm:sizes=50,50,50,50,p_in=0.2,p_out=0.01 --beta 0.1:2 --tau 5,50 --repeats 4 --eq-sweeps 200 \
  --json --quiet --csv "$tmp/a.csv" --plot "$tmp/a.svg" >"$tmp/a1.json" || { echo "FAIL: social anneal"; fail=1; }
"$bin" social anneal --network sbm:sizes=50,50,50,50,p_in=0.2,p_out=0.01 --beta 0.1:2 --tau 5,50 --repeats 4 --eq-sweeps 200 \
  --json --quiet --threads 1 >"$tmp/a2.json"
$PY - "$tmp/a1.json" "$tmp/a2.json" "$tmp/a.csv" <<'PYEOF' || fail=1
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert [p["tau"] for p in a["points"]] == [5, 50]
for p in a["points"]:
    assert set(p["wall_density"]) >= {"mean", "error"} and set(p["excess_density"]) >= {"mean", "error"}
assert set(a["kappa"]) >= {"mean", "error"} and set(a["equilibrium_density"]) >= {"mean", "error", "tau_int"}
assert 0 < a["between_fraction"] < 1
for x in (a, b): x.pop("seconds"); x["network"].pop("build_seconds")
assert a == b, "anneal is not deterministic across --threads"
rows = open(sys.argv[3]).read().strip().split("\n")
assert rows[0] == "tau,wall_density,wall_density_err,excess,excess_err" and len(rows) == 3
print("social anneal JSON/CSV ok")
PYEOF
grep -q "</svg>" "$tmp/a.svg" || { echo "FAIL: no anneal SVG"; fail=1; }
expect_error "--tau" social anneal --network karate --tau 10,-1
expect_error "--equilibrium must lie in \[0, 1\]" social anneal --network karate --equilibrium 3
expect_error "--beta: expected A:B" social anneal --network karate --beta 2
# social target --state-out -> social draw (SVG, PNG, coarse-grained), bad input
"$bin" social target --network ba:n=300,m=2 --budget 5 --h 100 --beta 0.3 --sweeps 10 --replicas 2 --strategies hubs \
  --state-out "$tmp/final.txt" --quiet >/dev/null || { echo "FAIL: social target --state-out"; fail=1; }
"$bin" social draw --network ba:n=300,m=2 --state "$tmp/final.txt" --svg "$tmp/d.svg" --png "$tmp/d.png" --json >"$tmp/d.json" \
  || { echo "FAIL: social draw"; fail=1; }
"$bin" social draw --network sbm:sizes=400,400,p_in=0.02,p_out=0.002 --max-nodes 100 --png "$tmp/c.png" --json >"$tmp/c.json" \
  || { echo "FAIL: social draw coarse"; fail=1; }
$PY - "$tmp/d.json" "$tmp/c.json" "$tmp/d.svg" "$tmp/d.png" <<'PYEOF' || fail=1
import json, sys
d, c = (json.load(open(f)) for f in sys.argv[1:3])
assert d["drawn_nodes"] == 300 and d["drawn_edges"] == d["network"]["edges"] and not d["coarse"] and d["layout"] == "fr"
assert -1 <= d["m"] <= 1
assert c["coarse"] and c["drawn_nodes"] == 2 and c["community_source"] == "network"
svg = open(sys.argv[3]).read()
assert svg.count("<circle") == 300 and svg.rstrip().endswith("</svg>")
assert open(sys.argv[4], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
print("social draw JSON/SVG/PNG ok")
PYEOF
expect_error "give --svg FILE and/or --png FILE" social draw --network karate
expect_error "--layout: unknown layout 'x'" social draw --network karate --layout x --svg "$tmp/x.svg"
expect_error "final.txt: 300 spins, the model has 34" social draw --network karate --state "$tmp/final.txt" --svg "$tmp/x.svg"
expect_error "final.txt: 300 spins, the model has 34" social target --network karate --state "$tmp/final.txt"
# social cascade: JSON shape, determinism across --threads, exact zero at beta = 0, CSV, bad input
"$bin" social cascade --network ba:n=300,m=2 --seeds top:5 --beta 0.5 --sweeps 20 --replicas 4 --json --quiet \
  --csv "$tmp/k.csv" >"$tmp/k1.json" || { echo "FAIL: social cascade"; fail=1; }
"$bin" social cascade --network ba:n=300,m=2 --seeds top:5 --beta 0.5 --sweeps 20 --replicas 4 --json --quiet --threads 1 >"$tmp/k2.json"
"$bin" social cascade --network ba:n=300,m=2 --seeds random:5 --beta 0 --sweeps 20 --replicas 4 --json --quiet >"$tmp/k0.json"
$PY - "$tmp/k1.json" "$tmp/k2.json" "$tmp/k0.json" "$tmp/k.csv" <<'PYEOF' || fail=1
import json, sys
a, b, z = (json.load(open(f)) for f in sys.argv[1:4])
for k in ("cascade_size", "damage", "perturbed_changed", "control_changed"):
    assert set(a[k]) >= {"mean", "error"}, k
assert a["seed_count"] == 5 and a["pinned"] and a["cascade_size"]["mean"] > 0
for x in (a, b): x.pop("seconds"); x["network"].pop("build_seconds")
assert a == b, "cascade is not deterministic across --threads"
assert z["cascade_size"]["mean"] == 0 and z["damage"]["mean"] == 0, z
rows = open(sys.argv[4]).read().strip().split("\n")
assert rows[0] == "replica,size,damage" and len(rows) == 5
print("social cascade JSON/CSV ok")
PYEOF
expect_error "--seeds is required" social cascade --network karate
expect_error "--seeds random:K: K must lie in 1..34" social cascade --network karate --seeds random:0
expect_error "--seeds: node 0 is a zealot" social cascade --network karate --seeds 0 --zealots 0:+1
expect_error "--community-field: 1 values for 2 communities" social sweep --network sbm:sizes=20,20,p_in=0.3,p_out=0.05 --community-field 1 --beta 0.5:0.6:2 --sweeps 10
expect_error "--community-field: needs communities" social sweep --network er:n=40,k=4 --community-field 1 --beta 0.5:0.6:2 --sweeps 10
# the one-command hub-targeting table (bench/hub_targeting.py), tiny
/usr/bin/python3 "$2/bench/hub_targeting.py" --binary "$bin" --n 500 --budget 10 --replicas 2 --networks 1 --sweeps 20 \
  >"$tmp/hubs.txt" || { echo "FAIL: bench/hub_targeting.py"; fail=1; }
grep -q "hub advantage (hubs - random, final m) on ER" "$tmp/hubs.txt" || { echo "FAIL: hub table"; cat "$tmp/hubs.txt"; fail=1; }
# sweep --state-out: negative partisanship at beta = 1 leaves the two communities opposite; a zealot
# keeps its value; social draw reads the file back
"$bin" social sweep --network sbm:sizes=50,50,p_in=0.2,p_out=0.02 --antagonistic between --zealots 0:-1 \
  --beta 0.5:1.0:3 --sweeps 300 --state-out "$tmp/sweep_state.txt" --quiet >/dev/null 2>&1 || { echo "FAIL: sweep --state-out"; fail=1; }
$PY - "$tmp/sweep_state.txt" <<'PYEOF' || fail=1
import sys
v = [int(t) for l in open(sys.argv[1]) if not l.startswith("#") for t in l.split()]
assert len(v) == 100 and set(v) <= {-1, 1}, len(v)
a, b = sum(v[:50]) / 50, sum(v[50:]) / 50
assert v[0] == -1 and a * b < -0.8, (v[0], a, b)
print("sweep --state-out ok: community means", a, b)
PYEOF
"$bin" social draw --network sbm:sizes=50,50,p_in=0.2,p_out=0.02 --state "$tmp/sweep_state.txt" --svg "$tmp/sweep_state.svg" >/dev/null 2>&1 \
  || { echo "FAIL: draw --state from sweep --state-out"; fail=1; }
exit $fail
