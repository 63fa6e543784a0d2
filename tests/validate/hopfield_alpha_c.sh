#!/usr/bin/env bash
# Acceptance check for `spinlab hopfield capacity` (ctest label validate, off by default): the
# critical load of the Hebb rule at N = 1000 (10 pattern sets, every pattern started, 11 loads in
# 0.10..0.20) lies in [0.12, 0.17]. AGS give 0.138 for N -> infinity; with the "start at the
# pattern, retrieval rate through 1/2" definition finite N sits above it (0.165 at N = 1000).
# Also Storkey's rule must store more than Hebb at the same N.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" hopfield capacity --N 1000 --alpha 0.1:0.2:11 --samples 10 --json --quiet >"$tmp/h.json" || { echo "FAIL: hebb"; exit 1; }
"$bin" hopfield capacity --N 1000 --alpha 0.2:0.8:7 --samples 4 --probes 50 --rule storkey --json --quiet >"$tmp/s.json" \
  || { echo "FAIL: storkey"; exit 1; }
/usr/bin/python3 - "$tmp/h.json" "$tmp/s.json" <<'PYEOF'
import json, sys
h = json.load(open(sys.argv[1]))["sizes"][0]["alpha_c"]
s = json.load(open(sys.argv[2]))["sizes"][0]["alpha_c"]
print("N = 1000: alpha_c(hebb) = %.4f +- %.4f (bound [0.12, 0.17]); alpha_c(storkey) = %.4f +- %.4f"
      % (h["mean"], h["error"], s["mean"], s["error"]))
sys.exit(0 if 0.12 <= h["mean"] <= 0.17 and h["error"] > 0 and s["mean"] > h["mean"] + 3 * h["error"] else 1)
PYEOF
