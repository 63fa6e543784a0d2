#!/usr/bin/env bash
# `spinlab ews`: the documented JSON shape on an AR(1) whose coefficient ramps towards 1 (lag-1
# autocorrelation must be flagged), the CSV and SVG outputs, thread independence, and bad input
# (one line naming the flag or the file and line, exit 2).
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
# x_t = phi_t x_{t-1} + z_t, phi_t from 0.1 to 0.95 over 1500 points; Box-Muller on random.random().
$PY - "$tmp/ramp.csv" <<'PYEOF' || { echo "FAIL: generating the series"; exit 1; }
import math, random, sys
random.seed(12345)
n, x = 1500, 0.0
with open(sys.argv[1], "w") as f:
    f.write("# AR(1) with a ramping coefficient\n")
    f.write("time,x,label\n")
    for t in range(n):
        phi = 0.1 + 0.85 * t / (n - 1)
        z = math.sqrt(-2.0 * math.log(1.0 - random.random())) * math.cos(2.0 * math.pi * random.random())
        x = phi * x + z
        f.write("%g,%.12g,row%d\n" % (0.1 * t, x, t))
PYEOF
"$bin" ews --input "$tmp/ramp.csv" --column x --time time --window 0.5 --detrend gaussian:0.2 --surrogates 500 \
  --seed 3 --threads 2 --json --csv "$tmp/out.csv" --plot "$tmp/out.svg" --quiet >"$tmp/a.json" \
  || { echo "FAIL: ews run"; exit 1; }
"$bin" ews --input "$tmp/ramp.csv" --column x --time time --surrogates 500 --seed 3 --threads 1 --json --quiet \
  >"$tmp/b.json" || { echo "FAIL: ews run with one thread"; exit 1; }
$PY - "$tmp/a.json" "$tmp/b.json" "$tmp/out.csv" <<'PYEOF' || fail=1
import csv, json, math, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "ews" and d["column"] == "x" and d["n"] == 1500, d
assert d["window"] == 0.5 and d["window_points"] == 750 and d["detrend"] == "gaussian:0.2", d
assert d["surrogates"] == 500 and d["seed"] == 3 and -1 < d["ar1"] < 1, d
assert set(d["indicators"]) == {"variance", "lag1_autocorrelation", "skewness", "kurtosis"}, d["indicators"]
for name, e in d["indicators"].items():
    assert set(e) == {"kendall_tau", "p_value"}, e
    assert -1 <= e["kendall_tau"] <= 1 and 1 / 501 <= e["p_value"] <= 1, (name, e)
ac = d["indicators"]["lag1_autocorrelation"]
assert ac["kendall_tau"] > 0.5 and ac["p_value"] < 0.05, ac
var = d["indicators"]["variance"]
assert var["kendall_tau"] > 0.5 and var["p_value"] < 0.05, var
# --threads changes nothing
assert json.load(open(sys.argv[2]))["indicators"] == d["indicators"]
rows = list(csv.DictReader(open(sys.argv[3])))
assert len(rows) == 1500 and list(rows[0]) == ["time", "value", "trend", "residual", "variance",
                                               "lag1_autocorrelation", "skewness", "kurtosis"], rows[0]
assert math.isnan(float(rows[748]["variance"])) and not math.isnan(float(rows[749]["variance"]))
r = rows[1000]
assert abs(float(r["value"]) - float(r["trend"]) - float(r["residual"])) < 1e-9
assert abs(float(r["time"]) - 100.0) < 1e-9
print("ews JSON and CSV ok")
PYEOF
grep -q "</svg>" "$tmp/out.svg" || { echo "FAIL: no SVG"; fail=1; }
grep -q "lag1_autocorrelation: tau = " "$tmp/out.svg" || { echo "FAIL: SVG titles lack tau"; fail=1; }
"$bin" ews --input "$tmp/ramp.csv" --column x --detrend linear --surrogates 200 --quiet >"$tmp/table.txt" \
  || { echo "FAIL: ews table run"; fail=1; }
grep -q "^lag1_autocorrelation .*rising" "$tmp/table.txt" || { echo "FAIL: table: $(cat "$tmp/table.txt")"; fail=1; }

. "$2/tests/lib/expect_error.sh"
sed '40s/.*/3.7,nan,row37/' "$tmp/ramp.csv" >"$tmp/nan.csv"
sed '41s/.*/3.8,abc,row38/' "$tmp/ramp.csv" >"$tmp/junk.csv"
head -n 12 "$tmp/ramp.csv" >"$tmp/short.csv"
expect_error "'y' is not a column (columns: time, x, label)" ews --input "$tmp/ramp.csv" --column y
expect_error "nan.csv:40: column 'x'" ews --input "$tmp/nan.csv" --column x
expect_error "junk.csv:41: column 'x': 'abc' is not a number" ews --input "$tmp/junk.csv" --column x
expect_error "missing.csv: cannot open" ews --input "$tmp/missing.csv" --column x
expect_error "has 10 values; early-warning signals need at least 20" ews --input "$tmp/short.csv" --column x
expect_error "--window must be in (0, 1)" ews --input "$tmp/ramp.csv" --column x --window 1.2
expect_error "--window must be in (0, 1)" ews --input "$tmp/ramp.csv" --column x --window 0
expect_error "--window 0.001: a window of 1 points" ews --input "$tmp/ramp.csv" --column x --window 0.001
expect_error "--detrend: 'loess'" ews --input "$tmp/ramp.csv" --column x --detrend loess
expect_error "--detrend gaussian:BW" ews --input "$tmp/ramp.csv" --column x --detrend gaussian:0
expect_error "--detrend gaussian:BW" ews --input "$tmp/ramp.csv" --column x --detrend gaussian:x
expect_error "--time 'clock' is not a column" ews --input "$tmp/ramp.csv" --column x --time clock
expect_error "column 'label': 'row0' is not a number" ews --input "$tmp/ramp.csv" --column label
expect_error "--surrogates must be >= 0" ews --input "$tmp/ramp.csv" --column x --surrogates -1
expect_error "--threads must be >= 1" ews --input "$tmp/ramp.csv" --column x --threads 0
expect_error "--column is required" ews --input "$tmp/ramp.csv"
exit $fail
