#!/usr/bin/env bash
# Long T_c validation (ctest -L validate): a bipartite Curie-Weiss RBM (nv = nh = 256, binary
# units, W_ij = 4J/sqrt(nv nh), biases cancelling the mapped fields; mean-field T_c = J = 1)
# written as a model file; `spinlab rbm tc` must put the aligned chi_m peak within 4 errors of the
# same peak finder applied to the exact finite-size chi_m (enumeration over (M_v, M_h)).
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
T="0.85,0.87,0.89,0.91,0.93,0.95,0.97,0.99,1.01,1.03,1.05"
/usr/bin/python3 - "$tmp/cw.bin" <<'PYEOF'
import struct, sys, math
nv = nh = 256
w = 4.0 / math.sqrt(nv * nh)
body = b"SPLRBM\0\0" + struct.pack("<4I", 1, 0, nv, nh)
body += struct.pack("<%df" % (nv * nh), *([w] * (nv * nh)))
body += struct.pack("<%df" % nv, *([-0.5 * w * nh] * nv)) + struct.pack("<%df" % nh, *([-0.5 * w * nv] * nh))
h = 1469598103934665603
for byte in body:
    h = ((h ^ byte) * 1099511628211) % (1 << 64)
open(sys.argv[1], "wb").write(body + struct.pack("<Q", h))
PYEOF
"$bin" rbm tc --model "$tmp/cw.bin" --T "$T" --order aligned --pairs 8 --burn-in 1000 --sweeps 20000 --seed 3 \
  --json --quiet >"$tmp/tc.json" || { echo "FAIL: rbm tc"; exit 1; }
/usr/bin/python3 - "$tmp/tc.json" <<'PYEOF'
import json, math, sys
import numpy as np
r = json.load(open(sys.argv[1]))
nv = nh = 256
lc = [math.lgamma(nv + 1) - math.lgamma(k + 1) - math.lgamma(nv - k + 1) for k in range(nv + 1)]
M = np.array([2 * k - nv for k in range(nv + 1)], float)
L = np.array(lc)
def chi(T):
    g = 1.0 / (T * math.sqrt(nv * nh))
    lw = L[:, None] + L[None, :] + g * np.outer(M, M)
    w = np.exp(lw - lw.max())
    p = w.sum(axis=1) / w.sum()
    m = M / nv
    return nv * ((p * m * m).sum() - ((p * abs(m)).sum()) ** 2)
Ts = [p["T"] for p in r["points"]]
y = [chi(t) for t in Ts]
k = int(np.argmax(y))
lo, hi = max(0, k - 2), min(len(Ts) - 1, k + 2)
x = np.log(np.array(Ts[lo:hi + 1]) / Ts[k])
c2, c1, c0 = np.polyfit(x, y[lo:hi + 1], 2)
exact = Ts[k] * math.exp(-c1 / (2 * c2)) if c2 < 0 and x[0] <= -c1 / (2 * c2) <= x[-1] else Ts[k]
tc = r["T_c"]
print("T_c sampled", tc["mean"], "+-", tc["error"], "exact finite-size peak", exact, "mean field 1")
assert 0 < tc["error"] < 0.02, tc
assert abs(tc["mean"] - exact) < 4 * tc["error"], (tc, exact)
PYEOF
