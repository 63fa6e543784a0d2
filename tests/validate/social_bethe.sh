#!/usr/bin/env bash
# Acceptance check for `spinlab social sweep` (ctest social_bethe_1e5, in `make test`): on random
# regular graphs with N = 10^5 and k = 3, 4, the susceptibility peak (parabola, bootstrap error)
# lies within 1% of the Bethe lattice's beta_c = atanh(1/(k-1)) (0.549306 and 0.346574).
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for k in 3 4; do
  if [ "$k" = 3 ]; then grid=0.51:0.59:17; else grid=0.32:0.37:11; fi
  "$bin" social sweep --network rr:n=100000,k=$k --network-seed 1 --beta $grid --sweeps 1000 --therm 300 \
    --threads 2 --json --quiet >"$tmp/s$k.json" || { echo "FAIL: sweep k=$k"; fail=1; continue; }
  /usr/bin/python3 - "$tmp/s$k.json" "$k" <<'PYEOF' || fail=1
import json, math, sys
j = json.load(open(sys.argv[1])); k = int(sys.argv[2])
bc = math.atanh(1.0 / (k - 1))
t = j["beta_c_estimate"]
dev = (t["mean"] - bc) / bc
print("rr N = 1e5, k = %d: beta_c_estimate = %.5f +- %.5f, Bethe %.6f, deviation %+.2f%% (bound 1%%), %.1f s"
      % (k, t["mean"], t["error"], bc, 100 * dev, j["seconds"]))
assert abs(j["predictions"]["bethe"]["beta_c"] - bc) < 1e-12
sys.exit(0 if abs(dev) < 0.01 and t["error"] > 0 else 1)
PYEOF
done
exit $fail
