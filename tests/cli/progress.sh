#!/usr/bin/env bash
# Runs over ~2 s print a progress line on stderr; --quiet silences it; short runs print nothing.
set -eu
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run=(simulate --lattice square --L 128 --beta 0.44 --algo metropolis-sequential --sweeps 40000 --therm 0)  # ~4 s here
"$bin" "${run[@]}" >/dev/null 2>"$tmp/err"
grep -q "^\[simulate\] .*elapsed .*eta" "$tmp/err" || { echo "FAIL: no progress line: $(cat "$tmp/err")"; exit 1; }
"$bin" "${run[@]}" --quiet >/dev/null 2>"$tmp/quiet"
[ ! -s "$tmp/quiet" ] || { echo "FAIL: --quiet printed: $(cat "$tmp/quiet")"; exit 1; }
"$bin" simulate --lattice square --L 8 --beta 0.44 --sweeps 1000 >/dev/null 2>"$tmp/short"
[ ! -s "$tmp/short" ] || { echo "FAIL: a short run printed progress: $(cat "$tmp/short")"; exit 1; }
echo "progress ok"
