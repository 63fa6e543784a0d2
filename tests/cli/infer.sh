#!/usr/bin/env bash
# `spinlab infer`: samples of a 6-spin chain drawn exactly (Python, by enumeration) give back its
# couplings by pseudo-likelihood, by exact maximum likelihood and by maximum likelihood with
# persistent Markov chains (the fully visible Boltzmann machine); bad sample files are refused
# with the file and line.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
fail=0
$PY - "$tmp/samples.txt" <<'PYEOF'
import itertools, math, random, sys
n, J = 6, 0.5   # open chain, beta J = 0.5 on bonds (i, i+1)
states = list(itertools.product([-1, 1], repeat=n))
w = [math.exp(J * sum(s[i] * s[i + 1] for i in range(n - 1))) for s in states]
rng = random.Random(4)
with open(sys.argv[1], "w") as f:
    f.write("# exact samples of a 6-spin chain, beta J = 0.5\n")
    for s in rng.choices(states, weights=w, k=20000):
        f.write(" ".join(str(x) for x in s) + "\n")
PYEOF
for method in pl exact mcmc; do
  "$bin" infer --samples "$tmp/samples.txt" --method $method --json --out "$tmp/$method.edges" >"$tmp/$method.json" \
    || { echo "FAIL: infer --method $method"; fail=1; continue; }
  $PY - "$tmp/$method.json" "$tmp/$method.edges" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["n"] == 6 and d["samples"] == 20000 and len(d["couplings"]) == 15 and len(d["fields"]) == 6
for c in d["couplings"]:
    truth = 0.5 if c["j"] == c["i"] + 1 else 0.0
    z = (c["J"]["mean"] - truth) / c["J"]["error"]
    assert abs(z) < 4, (c, truth)
    assert c["significant"] == (truth != 0), c
assert d["significant_couplings"] == 5
lines = [l for l in open(sys.argv[2]) if not l.startswith("#")]
assert lines[0].strip() == "6" and len(lines) == 6
print(d["method"], "ok")
PYEOF
done
. "$2/tests/lib/expect_error.sh"
printf '1 -1 1\n1 1\n' >"$tmp/ragged.txt"
printf '1 -1 1\n1 2 1\n' >"$tmp/two.txt"
printf '1 -1 nan\n' >"$tmp/nan.txt"
$PY -c "print(' '.join(['1'] * 21)); print(' '.join(['-1'] * 21))" >"$tmp/wide.txt"
expect_error "--samples" infer
expect_error "nope.txt" infer --samples "$tmp/nope.txt"
expect_error "ragged.txt:2" infer --samples "$tmp/ragged.txt"
expect_error "two.txt:2" infer --samples "$tmp/two.txt"
expect_error "nan.txt:1" infer --samples "$tmp/nan.txt"
expect_error "--method" infer --samples "$tmp/samples.txt" --method bogus
expect_error "N <= 20" infer --samples "$tmp/wide.txt" --method exact
$PY -c "print(' '.join(['1'] * 41)); print(' '.join(['-1'] * 41))" >"$tmp/wider.txt"
expect_error "N <= 40" infer --samples "$tmp/wider.txt" --method mcmc
expect_error "--chains" infer --samples "$tmp/samples.txt" --method mcmc --chains 0
expect_error "--l2" infer --samples "$tmp/samples.txt" --l2=-1
expect_error "--hidden" infer --samples "$tmp/samples.txt" --hidden 1 --method pl
expect_error "--hidden must be" infer --samples "$tmp/samples.txt" --hidden -1 --method exact
expect_error "> 20" infer --samples "$tmp/samples.txt" --hidden 15 --method exact
expect_error "--restarts" infer --samples "$tmp/samples.txt" --hidden 1 --method exact --restarts 0

# A hidden unit behind 5 visible spins (a star, coupling 0.9): 4000 exact samples. One hidden unit
# must fit them better than the fully visible machine, by more than the errors.
$PY - "$tmp/star.txt" <<'PYEOF'
import math, random, sys
random.seed(3)
n, k = 5, 0.9
confs = [[1 if (c >> i) & 1 else -1 for i in range(n)] for c in range(1 << n)]
w = [2 * math.cosh(k * sum(v)) for v in confs]
with open(sys.argv[1], "w") as f:
    for v in random.choices(confs, w, k=4000):
        f.write(" ".join(map(str, v)) + "\n")
PYEOF
"$bin" infer --samples "$tmp/star.txt" --method exact --hidden 1 --json >"$tmp/hid.json" 2>/dev/null || { echo "FAIL: infer --hidden"; fail=1; }
$PY - "$tmp/hid.json" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "exact-hidden" and d["hidden"] == 1 and d["n"] == 5 and len(d["fields"]) == 6
assert len(d["couplings"]) == 15 and d["restarts_at_best"] >= 1
ll, fv = d["log_likelihood"], d["log_likelihood_fully_visible"]
assert ll["mean"] >= fv["mean"] and ll["error"] > 0, (ll, fv)
print("infer --hidden ok:", ll["mean"], "vs fully visible", fv["mean"])
PYEOF
# In the true family (no visible-visible couplings) the star's couplings come back.
"$bin" infer --samples "$tmp/star.txt" --method exact --hidden 1 --no-visible-couplings --json >"$tmp/hid2.json" 2>/dev/null \
  || { echo "FAIL: infer --hidden --no-visible-couplings"; fail=1; }
$PY - "$tmp/hid2.json" <<'PYEOF' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["couplings"]) == 5 and d["restarts_at_best"] == d["restarts"], d
ks = [abs(c["K"]) for c in d["couplings"]]
assert all(abs(k - 0.9) < 0.1 for k in ks), ks
print("star couplings", [round(k, 3) for k in ks])
PYEOF
exit $fail
