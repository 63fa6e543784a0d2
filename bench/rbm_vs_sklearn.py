#!/usr/bin/python3
"""spinlab's RBM against scikit-learn's BernoulliRBM on binarised Fashion-MNIST.

Both train the same model (784 visible, --hidden hidden units, batch 100, learning rate 0.01,
PCD-1 with as many persistent chains as the batch size: scikit-learn's algorithm) for --epochs
epochs; we print seconds per epoch for each, the speedup, and the test log-likelihood per example
of both trained models, each measured by spinlab's AIS (`spinlab rbm eval`, scikit-learn's model
through --import-sklearn). The BLAS that numpy uses is printed first: scikit-learn's speed depends
on it (Debian's reference BLAS is ~8x slower than OpenBLAS).

  /usr/bin/python3 bench/rbm_vs_sklearn.py --binary build/spinlab [--epochs 10] [--threads 1] [--json]
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
    lines = [l.strip() for l in buf.getvalue().splitlines() if "libraries" in l or "blas" in l.lower()]
    runtime = []
    try:
        from threadpoolctl import threadpool_info
        runtime = [(i.get("internal_api"), i.get("filepath"), i.get("num_threads")) for i in threadpool_info()]
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/spinlab")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for both")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sklearn-dtype", default="float64", choices=["float64", "float32"],
                    help="dtype of the data handed to scikit-learn (it computes in that dtype)")
    ap.add_argument("--ais-chains", type=int, default=100)
    ap.add_argument("--ais-betas", type=int, default=20000)
    ap.add_argument("--skip-ais", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from sklearn import __version__ as sk_version
    from sklearn.neural_network import BernoulliRBM
    from threadpoolctl import threadpool_limits

    build_blas, runtime_blas = blas_report()
    log = sys.stderr if a.json else sys.stdout
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}", file=log)
    print(f"# numpy {np.__version__} show_config BLAS: {'; '.join(build_blas)}", file=log)
    print(f"# numpy BLAS at run time (threadpoolctl): {runtime_blas}", file=log)
    with tempfile.TemporaryDirectory() as tmp:
        ours_model = os.path.join(tmp, "ours.bin")
        t = run_json([a.binary, "rbm", "train", "--data", "fashion-mnist", "--hidden", str(a.hidden), "--epochs",
                      str(a.epochs), "--batch", str(a.batch), "--lr", str(a.lr), "--pcd", "1", "--seed", str(a.seed),
                      "--threads", str(a.threads), "--monitor-rows", "0", "--model", ours_model, "--json", "--quiet"])
        ours_spe = t["seconds_per_epoch"]
        print(f"# spinlab: {ours_spe:.3f} s per epoch ({[round(e['seconds'], 3) for e in t['epochs']]})", file=log)

        x = (load_fashion("train") / 255.0 >= 0.5).astype(a.sklearn_dtype)
        rbm = BernoulliRBM(n_components=a.hidden, learning_rate=a.lr, batch_size=a.batch, n_iter=a.epochs,
                           random_state=a.seed, verbose=0)
        with threadpool_limits(a.threads):
            start = time.perf_counter()
            rbm.fit(x)
            sk_spe = (time.perf_counter() - start) / a.epochs
        print(f"# scikit-learn {sk_version} ({a.sklearn_dtype}): {sk_spe:.3f} s per epoch", file=log)
        sk_dir = os.path.join(tmp, "sklearn")
        os.makedirs(sk_dir)
        for name in ("components_", "intercept_hidden_", "intercept_visible_"):
            np.save(os.path.join(sk_dir, name + ".npy"), getattr(rbm, name).astype(np.float64))

        result = {"data": "fashion-mnist (binarised at 0.5, train 60000 x 784)", "hidden": a.hidden,
                  "batch": a.batch, "lr": a.lr, "epochs": a.epochs, "threads": a.threads,
                  "sklearn_version": sk_version, "sklearn_dtype": a.sklearn_dtype, "numpy_blas": runtime_blas,
                  "load_average": os.getloadavg()[0],
                  "seconds_per_epoch": {"spinlab": ours_spe, "sklearn": sk_spe}, "speedup": sk_spe / ours_spe}
        if not a.skip_ais:
            ev = lambda src: run_json([a.binary, "rbm", "eval", *src, "--data", "fashion-mnist", "--split", "test",
                                       "--ais-chains", str(a.ais_chains), "--ais-betas", str(a.ais_betas),
                                       "--seed", str(a.seed), "--threads", str(a.threads), "--json"])
            eo, es = ev(["--model", ours_model]), ev(["--import-sklearn", sk_dir])
            result["log_likelihood"] = {"spinlab": eo["log_likelihood"], "sklearn": es["log_likelihood"]}
            result["log_z_ais"] = {"spinlab": eo["log_z_ais"], "sklearn": es["log_z_ais"]}
            result["ais"] = {"chains": a.ais_chains, "betas": a.ais_betas}
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{'':12} {'s/epoch':>10} {'test LL per example (AIS)':>28}")
    for who in ("spinlab", "sklearn"):
        ll = result.get("log_likelihood", {}).get(who)
        lls = f"{ll['mean']:.2f} +- {ll['error']:.2f}" if ll else "-"
        print(f"{who:12} {result['seconds_per_epoch'][who]:10.3f} {lls:>28}")
    print(f"speedup {result['speedup']:.2f}x")


if __name__ == "__main__":
    main()
