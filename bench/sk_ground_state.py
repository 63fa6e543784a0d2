#!/usr/bin/python3
"""Sherrington-Kirkpatrick ground-state energy per spin versus N (a physics bench, not a test).

For each N, `spinlab anneal --model sk:N` runs on several disorder samples with a time limit and
the mean of the best energies per spin is reported with its error across samples, next to the
extrapolation E_N = E_inf + a N^(-2/3) (the finite-size form of e.g. Boettcher, Eur. Phys. J. B
31, 29 (2003)) fitted to the points. Parisi's E_inf = -0.7633.

    bench/sk_ground_state.py [--sizes 64,128,256,512,1024] [--samples 8] [--time-limit 5]
"""
import argparse, json, math, os, statistics, subprocess

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="64,128,256,512,1024")
    p.add_argument("--samples", type=int, default=8)
    p.add_argument("--time-limit", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--binary", default=os.path.join(root, "build", "spinlab"))
    a = p.parse_args()
    xs, ys = [], []
    print("| N | samples | mean E/N | error | N^(-2/3) |")
    print("|---|---|---|---|---|")
    for n in [int(x) for x in a.sizes.split(",")]:
        es = []
        for s in range(1, a.samples + 1):
            cmd = [a.binary, "anneal", "--model", "sk:%d" % n, "--disorder", "gaussian", "--disorder-seed", str(s),
                   "--time-limit", str(a.time_limit), "--threads", str(a.threads), "--json", "--quiet"]
            es.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["energy_per_spin"])
        m = statistics.mean(es)
        err = statistics.stdev(es) / math.sqrt(len(es))
        xs.append(n ** (-2.0 / 3.0))
        ys.append(m)
        print("| %d | %d | %.4f | %.4f | %.4f |" % (n, len(es), m, err, xs[-1]), flush=True)
    if len(xs) >= 2:  # least squares E = E_inf + a x
        mx, my = statistics.mean(xs), statistics.mean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print("\nfit E_N = E_inf + a N^(-2/3): E_inf = %.4f, a = %.3f   (Parisi: -0.7633)" % (my - slope * mx, slope))

if __name__ == "__main__":
    main()
