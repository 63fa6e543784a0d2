#!/usr/bin/env bash
# Acceptance check of the majority-vote model (ctest label validate, off by default): the Binder
# cumulants of the square lattice at L = 16 and 32 cross at Oliveira's q_c = 0.075 +- 0.001
# (J. Stat. Phys. 66, 273 (1992)) within 4 combined errors. The move's noise is
# q = 1/(1 + e^{2 beta}); the always-on test (tests/test_social_moves.cpp) does L = 8 / 16.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
betas=$(/usr/bin/python3 -c "import math; print(','.join('%.6f' % (0.5 * math.log((1 - q) / q)) for q in (0.070, 0.0725, 0.075, 0.0775, 0.080)))")
for L in 16 32; do
  "$bin" simulate --lattice square --L $L --algo majority-vote --beta "$betas" --sweeps 400000 --therm 20000 --threads 2 \
    --json >"$tmp/L$L.json" 2>/dev/null || { echo "FAIL: simulate L=$L"; exit 1; }
done
/usr/bin/python3 - "$tmp/L16.json" "$tmp/L32.json" <<'PYEOF'
import json, math, sys
a, b = (json.load(open(f))["results"] for f in sys.argv[1:3])
q = [1 / (1 + math.exp(2 * p["beta"])) for p in a]
d = [y["binder_cumulant"]["mean"] - x["binder_cumulant"]["mean"] for x, y in zip(a, b)]
s = [math.hypot(x["binder_cumulant"]["error"], y["binder_cumulant"]["error"]) for x, y in zip(a, b)]
for qi, di, si in zip(q, d, s): print("q = %.4f: U32 - U16 = %+.4f +- %.4f" % (qi, di, si))
k = next((i for i in range(1, len(d)) if d[i - 1] > 0 >= d[i]), None)
if k is None: print("FAIL: no crossing in the grid"); sys.exit(1)
dq = q[k] - q[k - 1]
qx = q[k - 1] + dq * d[k - 1] / (d[k - 1] - d[k])
den = (d[k - 1] - d[k]) ** 2
err = math.hypot(dq * -d[k] / den * s[k - 1], dq * d[k - 1] / den * s[k])
print("majority-vote Binder crossing L = 16 / 32: q_c = %.5f +- %.5f (Oliveira: 0.075 +- 0.001)" % (qx, err))
sys.exit(0 if abs(qx - 0.075) < 4 * math.hypot(err, 0.001) else 1)
PYEOF
