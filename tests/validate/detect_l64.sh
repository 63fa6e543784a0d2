#!/usr/bin/env bash
# Acceptance check for `spinlab detect` (ctest label validate, off by default): on the 64 x 64
# periodic square lattice, the peak of the feature-distribution dissimilarity over 31 betas in
# 0.3..0.6 lies within 2% of Onsager's beta_c = ln(1 + sqrt 2)/2 = 0.440687 (the finite-size
# specific-heat maximum sits about 0.6% below it).
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
"$bin" detect --lattice square --L 64 --beta 0.3:0.6:31 --json --quiet >"$tmp/d.json" || { echo "FAIL: detect"; exit 1; }
end=$(date +%s.%N)
/usr/bin/python3 - "$tmp/d.json" "$start" "$end" <<'PYEOF'
import json, math, sys
j = json.load(open(sys.argv[1]))
beta_c = 0.5 * math.log(1 + math.sqrt(2))
t = j["transition_estimate"]
dev = (t["mean"] - beta_c) / beta_c
print("L = 64: transition_estimate = %.5f +- %.5f, beta_c = %.6f, deviation %+.2f%% (bound 2%%), %.1f s (wall %.1f s)"
      % (t["mean"], t["error"], beta_c, 100 * dev, j["seconds"], float(sys.argv[3]) - float(sys.argv[2])))
for w in j["warnings"]:
    print("warning:", w)
sys.exit(0 if abs(dev) < 0.02 and t["error"] > 0 else 1)
PYEOF
