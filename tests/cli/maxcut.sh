#!/usr/bin/env bash
# `spinlab maxcut` / `spinlab anneal`: results, JSON, solution files re-read, bad input.
set -eu
bin="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
# A 5-cycle with unit weights: the maximum cut is 4 (an odd cycle cannot be cut everywhere).
printf '5 5\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 1 1\n' >"$tmp/c5.gset"
"$bin" maxcut "$tmp/c5.gset" --time-limit 5 --target 4 --json --quiet --solution "$tmp/c5.sol" >"$tmp/c5.json"
$PY - "$tmp/c5.json" "$tmp/c5.sol" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "maxcut" and d["cut"] == 4 and d["energy"] == -4, d
assert d["reached_target"] and d["time_s"] < 5, d
for k in ["time_to_best_s", "reads", "algorithm", "seed", "num_vertices", "num_edges"]:
    assert k in d, k
side = {}
for line in open(sys.argv[2]):
    if line.startswith("#"): continue
    v, x = line.split(); side[int(v)] = int(x)
assert sorted(side) == [1, 2, 3, 4, 5]
cut = sum(side[a] != side[b] for a, b in [(1,2),(2,3),(3,4),(4,5),(5,1)])
assert cut == 4, side
print("maxcut JSON and solution ok")
PYEOF
# G1 from the shared data reaches its best known cut fast (2 threads).
shared="$src/../shared/data/gset"
if [ -f "$shared/G1" ]; then
  "$bin" maxcut "$shared/G1" --time-limit 20 --target 11624 --threads 2 --json --quiet >"$tmp/g1.json"
  $PY -c "import json,sys; d=json.load(open('$tmp/g1.json')); assert d['cut']==11624 and d['best_known']==11624, d; print('G1 ok', d['time_to_best_s'])"
fi
# anneal on a QUBO file: minimise x0 + x1 - 3 x0 x1 -> x0 = x1 = 1, energy -1
printf 'c tiny\np qubo 0 2 2 1\n0 0 1\n1 1 1\n0 1 -3\n' >"$tmp/t.qubo"
"$bin" anneal "$tmp/t.qubo" --time-limit 2 --target -1 --json --quiet >"$tmp/t.json"
$PY -c "import json; d=json.load(open('$tmp/t.json')); assert abs(d['energy']+1)<1e-12, d; print('anneal ok')"
# bad input: file:line, unknown algo, bad beta range, missing file
printf '3 2\n1 2 1\n2 9 1\n' >"$tmp/bad.gset"
! "$bin" maxcut "$tmp/bad.gset" 2>"$tmp/err" && grep -q "bad.gset:3" "$tmp/err"
! "$bin" maxcut "$tmp/c5.gset" --algo greedy 2>"$tmp/err" && grep -q -- "--algo" "$tmp/err"
! "$bin" maxcut "$tmp/c5.gset" --beta-range 2,1 2>"$tmp/err" && grep -q -- "--beta-range" "$tmp/err"
! "$bin" anneal "$tmp/nope.qubo" 2>"$tmp/err" && grep -q "nope.qubo" "$tmp/err"
echo "maxcut/anneal CLI ok"
