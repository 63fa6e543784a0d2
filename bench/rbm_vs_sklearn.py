#!/usr/bin/python3
"""spinlab's RBM against scikit-learn's BernoulliRBM on binarised Fashion-MNIST.

Both train the same model (784 visible, --hidden hidden units, batch 100, learning rate 0.01,
PCD-1 with as many persistent chains as the batch size: scikit-learn's algorithm) for --epochs
epochs; we print seconds per epoch for each, the speedup, and the test log-likelihood per example
of both trained models, each measured by spinlab's AIS (`spinlab rbm eval`, scikit-learn's model
through --import-sklearn). The BLAS that numpy uses is printed first: scikit-learn's speed depends
on it (Debian's reference BLAS is ~8x slower than OpenBLAS). Ours runs its default GEMM backend
(--gemm auto: bf16 AMX tiles where the CPU has them, else OpenBLAS fp32) and reports which one
ran; --gemm auto,openblas also trains with fp32 OpenBLAS (interleaved, same seeds) to compare
speed and likelihood of the two backends.

  /usr/bin/python3 bench/rbm_vs_sklearn.py --binary build/spinlab [--epochs 10] [--threads 1] [--gemm auto,openblas] [--json]
"""
import argparse
import contextlib
import gzip
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np


def blas_report():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        np.show_config()
    # the libraries of the blas_opt_info section (numpy 1.24 prints build-time info: Debian's numpy
    # links the generic libblas.so.3, which update-alternatives points at OpenBLAS or reference BLAS)
    text = buf.getvalue().splitlines()
    lines = []
    for k, l in enumerate(text):
        if l.startswith("blas_opt_info"):
            lines = [t.strip() for t in text[k + 1:k + 6] if t.startswith(" ") and "librar" in t]
    runtime = []
    try:
        from threadpoolctl import threadpool_info
        runtime = [(i.get("internal_api"), i.get("filepath"), i.get("num_threads"), i.get("architecture"))
                   for i in threadpool_info()]
    except ImportError:
        pass
    return lines[:6], runtime


def load_fashion(split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(f"/usr/share/datasets/fashion-mnist/{prefix}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    return x


def run_json(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


GENERIC_OPENBLAS_CORES = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
                          "Northwood", "Banias"}


def best_openblas_core():
    """The kernel set OpenBLAS should use here, where numpy's OpenBLAS fell back to a generic one.

    OpenBLAS 0.3.21 (Debian 12) does not know newer Intel models (Emerald Rapids, model 207) and
    falls back to its SSE3 'Prescott' kernels, ~5x slower. spinlab switches its own OpenBLAS to the
    right kernels (learn/kernels.cpp); scikit-learn gets the same through OPENBLAS_CORETYPE, so that
    the baseline is not handicapped. None where nothing needs changing."""
    from threadpoolctl import threadpool_info
    arch = [i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"]
    if not arch or arch[0] not in GENERIC_OPENBLAS_CORES:
        return None
    try:
        flags = set(next(l for l in open("/proc/cpuinfo") if l.startswith("flags")).split(":")[1].split())
    except (OSError, StopIteration):
        return None
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"} <= flags:
        return "Cooperlake" if "avx512_bf16" in flags else "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/spinlab")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for both")
    ap.add_argument("--gemm", default="auto",
                    help="comma-separated spinlab --gemm backends to train with (the first one is 'spinlab')")
    ap.add_argument("--seeds", type=int, default=1,
                    help="train both with seeds 1..N: timings and log-likelihoods averaged, with their spread")
    ap.add_argument("--sklearn-dtype", default="float64", choices=["float64", "float32"],
                    help="dtype of the data handed to scikit-learn (it computes in that dtype)")
    ap.add_argument("--ais-chains", type=int, default=100)
    ap.add_argument("--ais-betas", type=int, default=20000)
    ap.add_argument("--skip-ais", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--stock-openblas", action="store_true",
                    help="leave numpy's OpenBLAS on the kernels it picked itself, even generic ones")
    a = ap.parse_args()
    if not a.stock_openblas and "OPENBLAS_CORETYPE" not in os.environ:
        core = best_openblas_core()
        if core:  # numpy chose its kernels at import: start again with the right ones
            os.environ["OPENBLAS_CORETYPE"] = core
            os.environ["SPINLAB_BENCH_CORETYPE_SET"] = "1"
            os.execv(sys.executable, [sys.executable] + sys.argv)
    from sklearn import __version__ as sk_version
    from sklearn.neural_network import BernoulliRBM
    from threadpoolctl import threadpool_limits

    build_blas, runtime_blas = blas_report()
    log = sys.stderr if a.json else sys.stdout
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}", file=log)
    print(f"# numpy {np.__version__} show_config BLAS: {'; '.join(build_blas)}", file=log)
    print(f"# numpy BLAS at run time (threadpoolctl): {runtime_blas}", file=log)
    if os.environ.get("SPINLAB_BENCH_CORETYPE_SET"):
        print(f"# OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} set for numpy: its OpenBLAS does not know this "
              f"CPU and fell back to generic kernels (--stock-openblas keeps them)", file=log)
    x = (load_fashion("train") / 255.0 >= 0.5).astype(a.sklearn_dtype)
    runs = []
    gemms = [g for g in a.gemm.split(",") if g]
    ev = lambda src: run_json([a.binary, "rbm", "eval", *src, "--data", "fashion-mnist", "--split", "test",
                               "--ais-chains", str(a.ais_chains), "--ais-betas", str(a.ais_betas),
                               "--seed", "1", "--threads", str(a.threads), "--json"])
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, a.seeds + 1):
            run = {"seed": seed, "seconds_per_epoch": {}, "gemm": {}}
            models = {}
            for gi, gemm in enumerate(gemms):
                who = "spinlab" if gi == 0 else f"spinlab_{gemm}"
                models[who] = os.path.join(tmp, f"ours{seed}_{gemm}.bin")
                t = run_json([a.binary, "rbm", "train", "--data", "fashion-mnist", "--hidden", str(a.hidden), "--epochs",
                              str(a.epochs), "--batch", str(a.batch), "--lr", str(a.lr), "--pcd", "1", "--seed", str(seed),
                              "--threads", str(a.threads), "--gemm", gemm, "--monitor-rows", "0", "--model", models[who],
                              "--json", "--quiet"])
                run["seconds_per_epoch"][who] = t["seconds_per_epoch"]
                run["gemm"][who] = t.get("gemm", gemm)
                print(f"# seed {seed}: spinlab (--gemm {gemm}: ran {run['gemm'][who]}) {t['seconds_per_epoch']:.3f} s per "
                      f"epoch ({[round(e['seconds'], 3) for e in t['epochs']]}), load average {os.getloadavg()[0]:.2f}",
                      file=log, flush=True)
            rbm = BernoulliRBM(n_components=a.hidden, learning_rate=a.lr, batch_size=a.batch, n_iter=a.epochs,
                               random_state=seed, verbose=0)
            with threadpool_limits(a.threads):
                start = time.perf_counter()
                rbm.fit(x)
                sk_spe = (time.perf_counter() - start) / a.epochs
            print(f"# seed {seed}: scikit-learn {sk_version} ({a.sklearn_dtype}) {sk_spe:.3f} s per epoch, "
                  f"load average {os.getloadavg()[0]:.2f}", file=log, flush=True)
            sk_dir = os.path.join(tmp, f"sklearn{seed}")
            os.makedirs(sk_dir)
            for name in ("components_", "intercept_hidden_", "intercept_visible_"):
                np.save(os.path.join(sk_dir, name + ".npy"), getattr(rbm, name).astype(np.float64))
            run["seconds_per_epoch"]["sklearn"] = sk_spe
            if not a.skip_ais:
                evals = {who: ev(["--model", path]) for who, path in models.items()}
                evals["sklearn"] = ev(["--import-sklearn", sk_dir])
                run["log_likelihood"] = {w: e["log_likelihood"] for w, e in evals.items()}
                run["log_z_ais"] = {w: e["log_z_ais"] for w, e in evals.items()}
                run["ais_effective_sample_size"] = {w: e["ais_effective_sample_size"] for w, e in evals.items()}
                print(f"# seed {seed}: test LL " + ", ".join(
                    f"{w} {e['log_likelihood']['mean']:.2f} +- {e['log_likelihood']['error']:.2f} "
                    f"(ESS {e['ais_effective_sample_size']:.0f})" for w, e in evals.items()), file=log, flush=True)
            runs.append(run)
    mean = lambda v: sum(v) / len(v)
    sd = lambda v: (sum((x - mean(v)) ** 2 for x in v) / (len(v) - 1)) ** 0.5 if len(v) > 1 else 0.0
    whos = list(runs[0]["seconds_per_epoch"].keys())
    spe = {w: mean([r["seconds_per_epoch"][w] for r in runs]) for w in whos}
    result = {"data": "fashion-mnist (binarised at 0.5, train 60000 x 784, test 10000)", "hidden": a.hidden,
              "batch": a.batch, "lr": a.lr, "epochs": a.epochs, "threads": a.threads, "seeds": a.seeds,
              "sklearn_version": sk_version, "sklearn_dtype": a.sklearn_dtype, "numpy_blas": runtime_blas,
              "numpy_openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores", "load_average_end": os.getloadavg()[0],
              "gemm": runs[0]["gemm"], "seconds_per_epoch": spe, "speedup": spe["sklearn"] / spe["spinlab"],
              "runs": runs, "ais": {"chains": a.ais_chains, "betas": a.ais_betas}}
    if not a.skip_ais:
        result["log_likelihood"] = {}
        for w in whos:
            v = [r["log_likelihood"][w]["mean"] for r in runs]
            # per seed: the AIS/test-set error; over seeds: the spread of trained models
            result["log_likelihood"][w] = {"mean": mean(v), "error": max(max(r["log_likelihood"][w]["error"] for r in runs),
                                                                         sd(v) / len(v) ** 0.5), "seed_sd": sd(v)}
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{'':28} {'s/epoch':>10} {'test LL per example (AIS)':>28}")
    for who in whos:
        ll = result.get("log_likelihood", {}).get(who)
        lls = f"{ll['mean']:.2f} +- {ll['error']:.2f}" if ll else "-"
        label = f"{who.split('_')[0]} ({runs[0]['gemm'][who]})" if who in runs[0]["gemm"] else who
        print(f"{label:28} {result['seconds_per_epoch'][who]:10.3f} {lls:>28}")
    print(f"speedup {result['speedup']:.2f}x (spinlab with {runs[0]['gemm']['spinlab']} GEMMs vs scikit-learn)")


if __name__ == "__main__":
    main()
