#!/usr/bin/env bash
# `spinlab probe`: the documented JSON shape on the chambers preset, the finite-difference check,
# the trace CSV, and bad input (one line naming the flag, exit 2).
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
"$bin" probe --preset chambers --beta 0.44 --probe 10,10,6,6 --probe right --observe left,right,bottom,E \
  --sweeps 6000 --therm 500 --seed 1 --check-fd 0.05 --trace "$tmp/trace.csv" --json --quiet >"$tmp/p.json" \
  || { echo "FAIL: probe run"; exit 1; }
$PY - "$tmp/p.json" "$tmp/trace.csv" <<'PYEOF' || fail=1
import json, sys, csv
d = json.load(open(sys.argv[1]))
assert d["command"] == "probe" and d["algo"] == "wolff" and d["sweeps"] == 6000
for key in ["chi", "pearson", "finite_difference"]:
    assert set(d[key]) == {"left", "right", "bottom", "E"}, d[key]
    for e in d[key].values():
        assert set(["mean", "error", "tau_int"]) <= set(e) and e["error"] > 0, (key, e)
assert len(d["probes"]) == 2 and d["probes"][1]["name"] == "right" and d["probes"][1]["sites"] == 40 * 53
# a probe in the left chamber responds most in the left chamber; FD agrees with chi
c = d["chi"]
assert c["left"]["mean"] > 5 * abs(c["right"]["mean"]), c
for k in ["left", "right", "bottom"]:
    a, b = d["chi"][k], d["finite_difference"][k]
    z = (a["mean"] - b["mean"]) / (a["error"] ** 2 + b["error"] ** 2) ** 0.5
    assert abs(z) < 4, (k, a, b)
rows = list(csv.DictReader(open(sys.argv[2])))
assert rows[0].keys() >= {"sweeps", "probe", "observable", "pearson", "pearson_error", "chi", "chi_error"}
last = [r for r in rows if int(r["sweeps"]) == 6000 and r["probe"] == "10,10,6,6" and r["observable"] == "left"]
assert len(last) == 1 and abs(float(last[0]["pearson"]) - d["pearson"]["left"]["mean"]) < 1e-9
print("probe JSON and trace ok")
PYEOF
"$bin" spectroscopy --preset chambers --block 8 --sweeps 4000 --therm 500 --json --quiet --plot "$tmp/map.svg" \
  --csv "$tmp/map.csv" >"$tmp/s.json" || { echo "FAIL: spectroscopy run"; exit 1; }
$PY - "$tmp/s.json" "$tmp/map.csv" <<'PYEOF' || fail=1
import json, sys, csv
d = json.load(open(sys.argv[1]))
assert d["command"] == "spectroscopy" and d["observables"] == ["left", "right", "bottom"] and len(d["blocks"]) == 100
b = {x["name"]: x for x in d["blocks"]}
assert b["0,0,8,8"]["dominant"] == "left" and b["72,0,8,8"]["dominant"] == "right" and b["32,72,8,8"]["dominant"] == "bottom"
for e in b["0,0,8,8"]["chi"].values():
    assert e["error"] > 0
assert len(list(csv.DictReader(open(sys.argv[2])))) == 300
print("spectroscopy JSON ok")
PYEOF
grep -q "</svg>" "$tmp/map.svg" || { echo "FAIL: no SVG map"; fail=1; }
"$bin" walls --lattice square --L 16 --boundary open --wall x=8,y=0:10 --wall y=12,x=2:6 --sweeps 10000 --therm 500 \
  --json --quiet --plot "$tmp/walls.svg" >"$tmp/w.json" || { echo "FAIL: walls run"; exit 1; }
$PY - "$tmp/w.json" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "walls" and sorted(d["walls"]) == ["x=8,y=0:10", "y=12,x=2:6"], d["walls"]
assert d["precision"] == 1 and d["recall"] == 1 and len(d["missing_bonds"]) == 14
assert d["missing_bonds"][0] == [[7, 0], [8, 0]], d["missing_bonds"][0]
assert all(m["decided"] and m["confidence"] > 0.999 for m in d["missing_bond_details"])
assert abs(d["typical_beta_J"] - 0.44) < 0.02 and d["undecided_bonds"] == []
sp = d["spectroscopy"]
assert sorted(sp["walls"]) == ["x=8,y=0:10", "y=12,x=2:6"] and sp["precision"] == 1 and sp["recall"] == 1, sp
assert d["methods_disagree"] == 0
print("walls JSON ok")
PYEOF
grep -q "</svg>" "$tmp/walls.svg" || { echo "FAIL: no walls SVG"; fail=1; }
. "$2/tests/lib/expect_error.sh"
expect_error "unknown region 'nope'" probe --preset chambers --probe nope
expect_error "unknown region 'foo'" probe --preset chambers --probe left --observe left,foo
expect_error "leaves the 80x80 lattice" probe --preset chambers --probe 70,70,20,20
expect_error "has no sites" probe --preset chambers --probe 1,1,0,3
expect_error "energy cannot be a probe" probe --preset chambers --probe E
expect_error "unknown preset" probe --preset box --probe 1,1,1,1
expect_error "leave out --lattice" probe --preset chambers --lattice square --L 8 --probe left
expect_error "--wall x=90" probe --lattice square --L 16 --boundary open --wall x=90 --probe 1,1,2,2
expect_error "--region a=" probe --lattice square --L 16 --region a=1,2 --probe a
expect_error "--region a=sites:" probe --lattice square --L 4 --region a=sites:3-99 --probe a
expect_error "--probe" probe --preset chambers
expect_error "--check-fd" probe --preset chambers --probe left --check-fd nan
expect_error "--sweeps 1" probe --preset chambers --probe left --sweeps 1
expect_error "--chains" probe --preset chambers --probe left --chains 0
printf "0 1 1.0\n1 2 1.0\n2 3 1.0\n" >"$tmp/g.edges"
expect_error "rectangles need" probe --graph "$tmp/g.edges" --probe 1,1,2,2
expect_error "--block" spectroscopy --preset chambers --block 0
expect_error "--block" spectroscopy --preset chambers --block 81
expect_error "maps need a square lattice" spectroscopy --graph "$tmp/g.edges" --block 2 --sweeps 100 --plot "$tmp/x.svg"
expect_error "square|cubic" walls --lattice chain --L 16 --sweeps 1000
expect_error "--sweeps 10" walls --preset chambers --sweeps 10
expect_error "--decide-sigma" walls --preset chambers --decide-sigma 0
exit $fail
