#!/usr/bin/env bash
# Bad flags, bad files and absurd sizes: one clear line on stderr naming the problem, exit code 2.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. "$2/tests/lib/expect_error.sh"
printf '0 1 1.0\n1 2 nan\n' >"$tmp/nan.txt"
printf '0 1 1.0\n1 2\n' >"$tmp/short.txt"
printf '0 1 1.0\n2 2 1.0\n' >"$tmp/loop.txt"
printf '# header\n0 x 1.0\n' >"$tmp/word.txt"
printf '3\n0 5 1.0\n' >"$tmp/range.txt"
printf '0 1 -1.0\n1 2 1.0\n' >"$tmp/af.txt"
printf '1 -1 2\n' >"$tmp/state.txt"
printf '0 1 1e308\n1 0 1e308\n' >"$tmp/ovf.edges"
printf '2000000000\n0 1 1\n' >"$tmp/big.edges"

expect_error "unknown algorithm" simulate --lattice square --L 4 --beta 0.4 --algo bogus
expect_error "--beta" simulate --lattice square --L 4 --beta abc
expect_error "--beta" simulate --lattice square --L 4 --beta 0.1:0.2
expect_error "--beta" simulate --lattice square --L 4 --beta=-1
expect_error "--T" simulate --lattice square --L 4 --T 0
expect_error "either --beta or --T" simulate --lattice square --L 4 --beta 0.4 --T 2
expect_error "--L" simulate --lattice square --beta 0.4
expect_error "GiB" simulate --lattice square --L 1000000 --beta 0.4
expect_error "GiB" simulate --lattice cubic --L 100000 --beta 0.4
expect_error "lattice" simulate --lattice hexagonal --L 4 --beta 0.4
expect_error "no model" simulate --beta 0.4
expect_error "nan.txt:2" simulate --graph "$tmp/nan.txt" --beta 0.4
expect_error "short.txt:2" simulate --graph "$tmp/short.txt" --beta 0.4
expect_error "loop.txt:2" simulate --graph "$tmp/loop.txt" --beta 0.4
expect_error "word.txt:2" simulate --graph "$tmp/word.txt" --beta 0.4
expect_error "range.txt:2" simulate --graph "$tmp/range.txt" --beta 0.4
expect_error "cannot open" simulate --graph "$tmp/missing.txt" --beta 0.4
expect_error "antiferromagnetic" simulate --graph "$tmp/af.txt" --beta 0.4 --algo wolff
expect_error "state.txt:1" simulate --lattice chain --L 3 --beta 0.4 --init "$tmp/state.txt"
expect_error "sweeps" simulate --lattice square --L 4 --beta 0.4 --sweeps 1
expect_error "--J" simulate --lattice square --L 4 --beta 0.4 --J nan
expect_error "--wall" simulate --lattice square --L 8 --beta 0.4 --wall q=3
expect_error "--wall" simulate --lattice square --L 8 --beta 0.4 --wall x=3,z=0:5
expect_error "--wall" simulate --lattice square --L 8 --beta 0.4 --wall x=3,y=20:30
expect_error "--wall" simulate --lattice square --L 8 --beta 0.4 --wall x=3,x=0:2
expect_error "--sweeps" simulate --lattice square --L 4 --beta 0.4 --sweeps 9223372036854775807
expect_error "--sweeps" demo --sweeps 2000000000 --quiet
expect_error "different lattice sizes" demo --sizes 16,16 --quiet
expect_error "ovf.edges" simulate --graph "$tmp/ovf.edges" --beta 0.4
expect_error "is a directory" simulate --graph "$tmp" --beta 0.4
expect_error "big.edges" simulate --graph "$tmp/big.edges" --beta 0.4
expect_error "--T" simulate --lattice square --L 4 --T 1e-320
expect_error "--region A" simulate --lattice square --L 4 --beta 0.4 --region A=0,99
expect_error "--cov" simulate --lattice square --L 4 --beta 0.4 --cov E,unknown
expect_error "--correlation" simulate --graph "$tmp/af.txt" --beta 0.4 --correlation
expect_error "no exact" exact --lattice square --L 64 --h 0.1 --beta 0.4
expect_error "no exact" exact --lattice cubic --L 3 --h 0.1 --beta 0.4
expect_error "--method" exact --lattice square --L 4 --beta 0.4 --method magic
expect_error "enumerate" exact --lattice square --L 6 --beta 0.4 --method enumerate
expect_error "--bethe" exact --bethe 2
expect_error "error" simulate --no-such-flag
expect_error "error" frobnicate
expect_error "--seed" simulate --lattice square --L 4 --beta 0.4 --seed=-1
# A write that cannot happen names the path and leaves no temp file behind.
expect_error "$tmp/nodir/out.csv" simulate --lattice square --L 4 --beta 0.4 --sweeps 100 --quiet --csv "$tmp/nodir/out.csv"
expect_error "$tmp/nodir/fig.svg" demo --quiet --plot "$tmp/nodir/fig.svg"
# exact with J <= 0 prints its table and exits 0 (no infinite-lattice beta_c to report)
"$bin" exact --lattice square --L 16 --beta 0.4 --J -1 --json >"$tmp/afm.json" 2>"$tmp/err" || { echo "FAIL: exact --J -1 exited non-zero: $(cat "$tmp/err")"; fail=1; }
# a coupling that underflows is a valid (tiny) number
printf '0 1 1e-310\n' >"$tmp/tiny.edges"
"$bin" simulate --graph "$tmp/tiny.edges" --beta 0.4 --sweeps 100 --quiet >/dev/null 2>"$tmp/err" || { echo "FAIL: tiny coupling rejected: $(cat "$tmp/err")"; fail=1; }
exit $fail
