#!/usr/bin/env bash
# Long RBM validation (ctest -L validate): a 784 x 20 RBM trained on binarised Fashion-MNIST for
# 3 epochs; AIS (100 chains, 20000 betas) must agree with the exact log Z (2^20 hidden states
# enumerated) within 3 AIS errors, and the exact test log-likelihood must beat the untrained
# model's (-784 log 2 = -543.4 nats) by far.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" rbm train --data fashion-mnist --hidden 20 --epochs 3 --batch 100 --lr 0.05 --seed 1 --threads 2 \
  --model "$tmp/f20.bin" --quiet >/dev/null || { echo "FAIL: train"; exit 1; }
"$bin" rbm eval --model "$tmp/f20.bin" --data fashion-mnist --split test --ais-chains 100 --ais-betas 20000 \
  --threads 2 --json >"$tmp/eval.json" || { echo "FAIL: eval"; exit 1; }
/usr/bin/python3 - "$tmp/eval.json" <<'PYEOF'
import json, sys
e = json.load(open(sys.argv[1]))
z = (e["log_z_ais"]["mean"] - e["log_z_exact"]) / e["log_z_ais"]["error"]
print("log Z: AIS", e["log_z_ais"], "exact", e["log_z_exact"], "z =", z)
print("test LL (exact):", e["log_likelihood_exact"])
assert abs(z) < 3, z
assert e["log_likelihood_exact"]["mean"] > -350, e["log_likelihood_exact"]
PYEOF
