#!/usr/bin/env bash
# `spinlab dbn train | eval` and `spinlab rbm tc` / `rbm train --track-tc` on small digits runs
# (JSON shape, probe above chance, T_c with an error), and bad input: one line, exit 2.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
source "$(dirname "$0")/../lib/expect_error.sh"
if [ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ]; then
  "$bin" dbn train --data digits --layers 32,16 --epochs 4 --batch 20 --lr 0.05 --seed 1 --model "$tmp/d.dbn" --json \
    --quiet >"$tmp/train.json" || { echo "FAIL: dbn train"; fail=1; }
  "$bin" dbn eval --model "$tmp/d.dbn" --data digits --json >"$tmp/eval.json" || { echo "FAIL: dbn eval"; fail=1; }
  "$bin" rbm train --data digits --hidden 16 --epochs 3 --batch 20 --lr 0.05 --seed 3 --model "$tmp/r.bin" --quiet \
    --track-tc --tc-points 6 --tc-sweeps 128 --tc-burn-in 32 --tc-csv "$tmp/tc.csv" --plot "$tmp/tc.svg" --json \
    >"$tmp/track.json" || { echo "FAIL: rbm train --track-tc"; fail=1; }
  "$bin" rbm tc --model "$tmp/r.bin" --data digits --points 8 --sweeps 256 --burn-in 64 --json --quiet \
    --plot "$tmp/chi.svg" >"$tmp/tc.json" || { echo "FAIL: rbm tc"; fail=1; }
  $PY - "$tmp" <<'PYEOF' || fail=1
import json, sys
d = sys.argv[1]
t = json.load(open(d + "/train.json"))
assert t["layers"] == [32, 16] and len(t["epochs"]) == 8, t
e = json.load(open(d + "/eval.json"))
p = e["probe"]
assert [x["layer"] for x in p] == [0, 1, 2] and e["test_rows"] == 297, e
for x in p:
    a = x["test_accuracy"]
    assert 0 < a["error"] < 0.05 and a["mean"] > 0.3, x  # chance is 0.1
assert [x["test_accuracy"]["mean"] for x in p] == [x["test_accuracy"]["mean"] for x in t["probe"]]
k = json.load(open(d + "/track.json"))["tc"]
assert len(k["epochs"]) == 3 and "exponent" in k["fit"], k
assert open(d + "/tc.csv").readline().startswith("epoch,T_c,T_c_error")
assert open(d + "/tc.svg").read().startswith("<svg") or "<svg" in open(d + "/tc.svg").read()
c = json.load(open(d + "/tc.json"))
assert c["order"] in ("overlap", "aligned") and c["T_c"]["mean"] > 0 and c["T_c"]["error"] >= 0, c
assert len(c["points"]) == 8 and all("chi_q" in q and "chi_m" in q for q in c["points"]), c
assert c["direction"] == "pc1"
print("dbn/tc ok: probe", [round(x["test_accuracy"]["mean"], 3) for x in p], "T_c", round(c["T_c"]["mean"], 4),
      "+-", round(c["T_c"]["error"], 4), c["order"])
PYEOF
  # An impossible equilibration bound: every epoch gets no T_c, and training still finishes.
  "$bin" rbm train --data digits --hidden 8 --epochs 2 --batch 20 --model "$tmp/u.bin" --quiet --track-tc \
    --tc-max-r-hat 1.0000001 --tc-csv "$tmp/u.csv" >/dev/null || { echo "FAIL: track-tc without equilibrium"; fail=1; }
  grep -q "^2,nan,nan,unequilibrated" "$tmp/u.csv" || { echo "FAIL: unequilibrated epochs in $tmp/u.csv"; fail=1; }
  expect_error "layers" dbn train --data digits --layers 0 --model "$tmp/x.dbn"
  expect_error "layers" dbn train --data digits --layers 10,abc --model "$tmp/x.dbn"
  expect_error "--T" rbm tc --model "$tmp/r.bin" --T 0.5,nan,1
  expect_error "not a spinlab DBN file" dbn eval --model "$tmp/r.bin" --data digits
  expect_error "order" rbm tc --model "$tmp/r.bin" --order sideways
  expect_error "track-tc" rbm train --data digits --hidden 4 --epochs 1 --model "$tmp/y.bin" --plot "$tmp/p.svg"
fi
expect_error "cannot open" dbn eval --model "$tmp/nonexistent.dbn" --data digits
expect_error "cannot open" rbm tc --model "$tmp/nonexistent.bin"
expect_error "model" rbm tc
printf 'x' >"$tmp/empty.dbn"; : >"$tmp/empty.dbn"
expect_error "empty file" dbn eval --model "$tmp/empty.dbn" --data digits
exit $fail
