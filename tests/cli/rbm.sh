#!/usr/bin/env bash
# `spinlab rbm train | eval | sample`: a short digits run (JSON shape, AIS within 4 errors of the
# exact log Z, a PNG), a scikit-learn import, and bad input refused with one line and exit 2.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
if [ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz ]; then
  "$bin" rbm train --data digits --hidden 12 --epochs 3 --batch 20 --lr 0.05 --seed 3 --model "$tmp/d.bin" --json \
    --quiet >"$tmp/train.json" || { echo "FAIL: rbm train"; fail=1; }
  "$bin" rbm eval --model "$tmp/d.bin" --data digits --ais-chains 50 --ais-betas 500 --json >"$tmp/eval.json" \
    || { echo "FAIL: rbm eval"; fail=1; }
  "$bin" rbm sample --model "$tmp/d.bin" --png "$tmp/s.png" --chains 9 --steps 20 >/dev/null || { echo "FAIL: rbm sample"; fail=1; }
  $PY - "$tmp/train.json" "$tmp/eval.json" "$tmp/s.png" <<'PYEOF' || fail=1
import json, math, sys
t = json.load(open(sys.argv[1]))
assert t["visible"] == 64 and t["hidden"] == 12 and t["rows"] == 1500 and len(t["epochs"]) == 3, t
for e in t["epochs"]:
    assert e["seconds"] >= 0 and e["pseudo_log_likelihood"] < 0 and e["reconstruction_error"] > 0, e
e = json.load(open(sys.argv[2]))
assert e["rows"] == 297 and e["data"] == "digits:test", e
z = (e["log_z_ais"]["mean"] - e["log_z_exact"]) / e["log_z_ais"]["error"]
assert abs(z) < 4, (e["log_z_ais"], e["log_z_exact"])
ll = e["log_likelihood"]
assert -64 * math.log(2) < ll["mean"] < 0 and ll["error"] > 0, ll
assert abs(e["log_likelihood_exact"]["mean"] - ll["mean"]) < 4 * ll["error"]
assert open(sys.argv[3], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
print("rbm train/eval/sample ok: log Z AIS - exact =", round(z, 2), "errors")
PYEOF
fi
# A scikit-learn model as .npy files (2 hidden, 3 visible) and data as CSV rows.
mkdir -p "$tmp/sk"
$PY - "$tmp/sk" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]
np.save(d + "/components_.npy", np.array([[0.5, -1.0, 0.25], [1.5, 0.0, -0.5]]))
np.save(d + "/intercept_hidden_.npy", np.array([0.1, -0.2]))
np.save(d + "/intercept_visible_.npy", np.array([0.0, 0.3, -0.3]))
PYEOF
printf '1,0,1\n0,0,1\n1,1,1\n' >"$tmp/rows.csv"
"$bin" rbm eval --import-sklearn "$tmp/sk" --data "$tmp/rows.csv" --ais-chains 20 --ais-betas 200 --json >"$tmp/sk.json" \
  || { echo "FAIL: rbm eval --import-sklearn"; fail=1; }
$PY - "$tmp/sk.json" <<'PYEOF' || fail=1
import itertools, json, math, sys
import numpy as np
W = np.array([[0.5, -1.0, 0.25], [1.5, 0.0, -0.5]]).T  # visible x hidden
b, c = np.array([0.0, 0.3, -0.3]), np.array([0.1, -0.2])
logz = math.log(sum(math.exp(np.dot(b, v) + np.dot(c, h) + v @ W @ h)
                    for v in map(np.array, itertools.product([0, 1], repeat=3))
                    for h in map(np.array, itertools.product([0, 1], repeat=2))))
e = json.load(open(sys.argv[1]))
assert abs(e["log_z_exact"] - logz) < 1e-5, (e["log_z_exact"], logz)
print("sklearn import ok: exact log Z", logz)
PYEOF
. "$2/tests/lib/expect_error.sh"
printf '1,0\n0,1\n' >"$tmp/two.csv"
printf '1,0,1\n0,0.5,1\n' >"$tmp/gray.csv"
: >"$tmp/empty.csv"
: >"$tmp/empty.bin"
printf '1,0,1\n0,nan,1\n' >"$tmp/nan.csv"
mkdir -p "$tmp/sknan"
cp "$tmp/sk/"*.npy "$tmp/sknan/"
rm "$tmp/sknan/components_.npy"
printf '0.5,-1,0.25\n1.5,nan,-0.5\n' >"$tmp/sknan/components_.csv"
if [ -f "$tmp/d.bin" ]; then
  expect_error "wrong image size" rbm eval --model "$tmp/d.bin" --data "$tmp/rows.csv" --no-ais
  head -c 100 "$tmp/d.bin" >"$tmp/trunc.bin"
  expect_error "trunc.bin: .*truncated" rbm eval --model "$tmp/trunc.bin" --data digits
  expect_error "--shape 7x9: wrong image size" rbm sample --model "$tmp/d.bin" --png "$tmp/x.png" --shape 7x9
fi
expect_error "gray.csv:2: column 2: value 0.5 is not 0 or 1" rbm train --data "$tmp/gray.csv" --model "$tmp/m.bin"
expect_error "empty.csv: empty file" rbm train --data "$tmp/empty.csv" --model "$tmp/m.bin"
expect_error "nan.csv:2: field 2" rbm train --data "$tmp/nan.csv" --model "$tmp/m.bin"
expect_error "empty.bin: empty file" rbm eval --model "$tmp/empty.bin" --data "$tmp/rows.csv"
expect_error "components_.csv:2: field 2" rbm eval --import-sklearn "$tmp/sknan" --data "$tmp/rows.csv"
expect_error "exclude each other" rbm train --data "$tmp/two.csv" --cd 1 --pcd 1 --model "$tmp/m.bin"
expect_error "--data" rbm train --model "$tmp/m.bin"
expect_error "--model" rbm train --data "$tmp/two.csv"
expect_error "--units" rbm train --data "$tmp/two.csv" --units potts --model "$tmp/m.bin"
expect_error "--lr" rbm train --data "$tmp/two.csv" --lr -1 --model "$tmp/m.bin"
expect_error "--split" rbm eval --import-sklearn "$tmp/sk" --data digits --split validation
expect_error "--ais-chains" rbm eval --import-sklearn "$tmp/sk" --data "$tmp/rows.csv" --ais-chains 1
expect_error "--pt: at least 2" rbm train --data "$tmp/two.csv" --pt 1 --model "$tmp/m.bin"
exit $fail
