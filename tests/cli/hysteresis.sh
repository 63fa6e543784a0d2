#!/usr/bin/env bash
# `spinlab hysteresis` and `spinlab quench`: JSON shape, an open loop below T_c, fewer walls for
# slower quenches, and bad input.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
"$bin" hysteresis --lattice square --L 16 --beta 0.6 --H 1.5 --steps 30 --sweeps-per-step 1,8 --repeats 4 --json --quiet \
  --plot "$tmp/h.svg" >"$tmp/h.json" || { echo "FAIL: hysteresis"; exit 1; }
"$bin" quench --lattice square --L 32 --beta 0.2:0.6 --tau 8,512 --repeats 8 --json --quiet >"$tmp/q.json" \
  || { echo "FAIL: quench"; exit 1; }
$PY - "$tmp/h.json" "$tmp/q.json" <<'PYEOF' || fail=1
import json, sys
h = json.load(open(sys.argv[1]))
assert h["command"] == "hysteresis" and len(h["loops"]) == 2
for L in h["loops"]:
    assert len(L["field"]) == 60 and len(L["m"]) == 60
    assert L["area"]["mean"] > 5 * L["area"]["error"], L["area"]
    assert L["coercive_up"]["mean"] > 0 > L["coercive_down"]["mean"]
q = json.load(open(sys.argv[2]))
assert q["command"] == "quench" and q["equilibrium_source"].startswith("Kaufman")
a, b = q["points"]
assert a["wall_density"]["mean"] > b["wall_density"]["mean"]
assert abs(q["kibble_zurek"]["kappa"] - 1 / 3.1665) < 1e-9
print("hysteresis and quench JSON ok")
PYEOF
"$bin" ramp --lattice square --L 32 --beta 0.3:0.43 --ramp-sweeps 20000 --csv "$tmp/r.csv" --ews --surrogates 200 \
  --json --quiet >"$tmp/r.json" || { echo "FAIL: ramp"; exit 1; }
$PY - "$tmp/r.json" "$tmp/r.csv" <<'PYEOF' || fail=1
import json, sys, csv
d = json.load(open(sys.argv[1]))
assert d["command"] == "ramp" and d["rows"] == 2000 and d["parameter"] == "beta"
assert d["ews"]["indicators"]["variance"]["p_value"] < 0.05
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 2000 and set(rows[0]) == {"sweep", "beta", "E", "M", "|M|"}
print("ramp JSON ok")
PYEOF
grep -q "</svg>" "$tmp/h.svg" || { echo "FAIL: no hysteresis SVG"; fail=1; }
. "$2/tests/lib/expect_error.sh"
expect_error "--repeats" hysteresis --lattice square --L 8 --repeats 1
expect_error "--sweeps-per-step" hysteresis --lattice square --L 8 --sweeps-per-step 0
expect_error "--sweeps-per-step" hysteresis --lattice square --L 8 --sweeps-per-step 1,x
expect_error "already has a field" hysteresis --lattice square --L 8 --h 0.1
expect_error "--H" hysteresis --lattice square --L 8 --H 0
expect_error "--beta" quench --lattice square --L 8 --beta 0.6
expect_error "--tau" quench --lattice square --L 8 --tau 0
expect_error "--equilibrium" quench --lattice square --L 8 --boundary open
expect_error "exactly one of --beta" ramp --lattice square --L 8 --beta 0.3:0.4 --h=-1:1 --json
expect_error "nothing to output" ramp --lattice square --L 8 --beta 0.3:0.4
expect_error "--column foo" ramp --lattice square --L 8 --beta 0.3:0.4 --ramp-sweeps 1000 --ews --column foo
expect_error "--beta" ramp --lattice square --L 8 --beta 0.3 --json
expect_error "--window" ramp --lattice square --L 8 --beta 0.3:0.4 --ews --window 1.5
exit $fail
