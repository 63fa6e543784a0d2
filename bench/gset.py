#!/usr/bin/python3
"""Gset benchmark: runs `spinlab maxcut` on Gset instances with several seeds and a time limit
(stopping early at the best-known cut), and prints a Markdown table: instance, n, best known,
best cut, median cut, median time to best, hits (seeds that reached the best known).

    bench/gset.py [--instances G1-G10,G11-G13,...] [--seeds 10] [--time-limit 10] [--threads 2]
                  [--binary build/spinlab] [--data ../shared/data/gset] [--json out.json]
"""
import argparse, json, os, statistics, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

def expand(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += ["G%d" % k for k in range(int(a.lstrip("G")), int(b.lstrip("G")) + 1)]
        elif part:
            out.append(part)
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--instances", default="G1-G10,G11-G13,G14-G17,G22-G24,G43-G47,G55")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--time-limit", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--algo", default="auto")
    p.add_argument("--binary", default=os.path.join(root, "build", "spinlab"))
    p.add_argument("--data", default=os.path.join(root, "..", "shared", "data", "gset"))
    p.add_argument("--json", help="also write every run as JSON here")
    p.add_argument("--check", action="store_true",
                   help="exit 1 unless the issue's targets hold: median cut = best known on G1-G54, "
                        "within 0.1%% of it on G55-G81")
    a = p.parse_args()
    best = {}
    with open(os.path.join(a.data, "best_known.csv")) as f:
        next(f)
        for line in f:
            cols = line.split(",")
            best[cols[0]] = int(cols[3])
    runs = []
    failed = []
    print("| instance | n | best known | best cut | median cut | median time to best [s] | hits |")
    print("|---|---|---|---|---|---|---|")
    sys.stdout.flush()
    for g in expand(a.instances):
        path = os.path.join(a.data, g)
        if not os.path.exists(path):
            print("missing instance %s" % path, file=sys.stderr)
            continue
        cuts, times = [], []
        for seed in range(1, a.seeds + 1):
            cmd = [a.binary, "maxcut", path, "--time-limit", str(a.time_limit), "--threads", str(a.threads),
                   "--seed", str(seed), "--algo", a.algo, "--target", str(best[g]), "--json", "--quiet"]
            d = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            runs.append({"instance": g, "seed": seed, **d})
            cuts.append(d["cut"])
            times.append(d["time_to_best_s"])
        n = runs[-1]["num_vertices"]
        hits = sum(c >= best[g] for c in cuts)
        print("| %s | %d | %d | %d | %g | %.3f | %d/%d |" % (g, n, best[g], max(cuts), statistics.median(cuts),
                                                          statistics.median(times), hits, len(cuts)))
        need = best[g] if int(g.lstrip("G")) <= 54 else 0.999 * best[g]
        if statistics.median(cuts) < need:
            failed.append(g)
        sys.stdout.flush()
    if a.json:
        with open(a.json, "w") as f:
            json.dump(runs, f, indent=1)
    if a.check and failed:
        print("targets missed on: " + ", ".join(failed), file=sys.stderr)
        sys.exit(1)

if __name__ == "__main__":
    main()
