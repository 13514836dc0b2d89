#!/usr/bin/env python3
"""Small-scale reproduction of the G-SGD MLP experiment (gsgd19 §7) on scikit-learn's 8×8 digits.

Setup (all numpy float64, `verify.gsgd19.gsgd`):
  * data: `sklearn.datasets.load_digits` (1797 images, 64 pixels scaled to [0, 1], 10 classes);
    fixed stratified train/test split (75/25, seed 0); for learning-rate selection the training
    part is split again, stratified, into 80% fit / 20% validation (seed 0);
  * model: bias-free ReLU MLP 64-h-h-h-10 (equal hidden widths, default h = 64), He init,
    softmax cross-entropy (mean over the minibatch), minibatch 32, no momentum / weight decay /
    schedule, reshuffled every epoch;
  * methods, all from the same He init per seed:
      sgd       plain SGD;
      gsgd      gauge-free G-SGD (`GSGD`, the exact basis-path SGD step, signs may flip);
      gsgd_pm1  G-SGD after the function-preserving ±1 gauge (`gauge_pm1_np`): same function, and
                by claim 11 the same trajectory as gsgd up to float rounding (a consistency check);
      gsgd_one  G-SGD after the official init overwrite (`overwrite_one_np`, skeleton := 1; this
                changes the initial function);
      sgd_one   SGD from the same overwritten init (control: separates init from optimizer);
  * learning rate per method: grid 10^{-k/2}, k = 0..12 (1 … 1e-6), chosen by mean final
    validation accuracy over two selection seeds (1000, 1001) trained on the fit part for the
    same number of epochs; a diverged run (non-finite loss or `Undefined`) scores 0;
  * evaluation: seeds 0..S−1, trained on the whole training part with the selected rate, test
    accuracy after every epoch.

Outputs in --out (default experiments/out/, ignored by git): test_accuracy.png, results.md,
results.json.  The published results are in experiments/digits/ (tracked); to update them on purpose
run with ``--out experiments/digits``.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # tiny matmuls: threads only add overhead

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from verify.gsgd19.gsgd import (GSGD, SGD, Undefined, accuracy, gauge_pm1_np, init_mlp, overwrite_one_np,  # noqa: E402
                         softmax_xent_grad)

METHODS = {
    "sgd": ("SGD", "he", "sgd"),
    "gsgd": ("G-SGD (gauge-free)", "he", "gsgd"),
    "gsgd_pm1": ("G-SGD (±1 gauge)", "pm1", "gsgd"),
    "gsgd_one": ("G-SGD (official init: skeleton := 1)", "one", "gsgd"),
    "sgd_one": ("SGD (official init: skeleton := 1)", "one", "sgd"),
}
GRID = [10.0 ** (-k / 2) for k in range(12, -1, -1)]  # ascending: ties go to the smaller rate
SELECT_SEEDS = (1000, 1001)


def load():
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise SystemExit("digits_gsgd.py: needs scikit-learn for the 8×8 digits data: pip install '.[experiments]'")

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    Xfit, Xval, yfit, yval = train_test_split(Xtr, ytr, test_size=0.2, stratify=ytr, random_state=0)
    return (Xtr, ytr), (Xte, yte), (Xfit, yfit), (Xval, yval)


def initial_weights(widths, seed, init):
    Ws = init_mlp(widths, np.random.default_rng(seed))
    if init == "pm1":
        Ws, _ = gauge_pm1_np(Ws)
    elif init == "one":
        Ws = overwrite_one_np(Ws)
    return Ws


def train(method, lr, widths, seed, train_set, eval_set, epochs, batch=32):
    """Returns (accuracy per epoch on eval_set incl. epoch 0, train loss per epoch, info)."""
    _, init, opt_name = METHODS[method]
    Ws = initial_weights(widths, seed, init)
    opt = GSGD(Ws, lr) if opt_name == "gsgd" else SGD(Ws, lr)
    X, y = train_set
    rng = np.random.default_rng(seed + 12345)
    accs, losses = [accuracy(Ws, *eval_set)], []
    diverged = None
    for epoch in range(epochs):
        if diverged is None:
            perm = rng.permutation(len(y))
            tot = 0.0
            try:
                for k in range(0, len(y), batch):
                    idx = perm[k:k + batch]
                    loss, grads = softmax_xent_grad(Ws, X[idx], y[idx])
                    if not math.isfinite(loss):
                        raise FloatingPointError("non-finite loss")
                    opt.step(Ws, grads)
                    tot += loss * len(idx)
                if not all(np.isfinite(W).all() for W in Ws):
                    raise FloatingPointError("non-finite weights")
            except (Undefined, FloatingPointError) as exc:
                diverged = f"epoch {epoch + 1}: {exc}"
        if diverged is None:
            losses.append(tot / len(y))
            accs.append(accuracy(Ws, *eval_set))
        else:
            losses.append(float("nan"))
            accs.append(float("nan"))
    info = {"diverged": diverged, "n_nonpositive": getattr(opt, "n_nonpositive", 0), "steps": opt.n_steps}
    return accs, losses, info


def select_lr(method, widths, fit, val, epochs):
    scores = {}
    for lr in GRID:
        vals = []
        for seed in SELECT_SEEDS:
            with np.errstate(all="ignore"):
                accs, _, _ = train(method, lr, widths, seed, fit, val, epochs)
            vals.append(0.0 if math.isnan(accs[-1]) else accs[-1])
        scores[lr] = float(np.mean(vals))
    best = max(GRID, key=lambda lr: scores[lr])  # first maximum in ascending order
    return best, scores


def initial_skeleton_values(widths, seeds):
    """(min, max, median) of |V_j| over the He inits of the given seeds."""
    vals = []
    for seed in seeds:
        Ws = init_mlp(widths, np.random.default_rng(seed))
        h, d, K = widths[1], widths[0], widths[-1]
        j = np.arange(h)
        V = Ws[0][j % d, j] * Ws[-1][j, j % K]
        for W in Ws[1:-1]:
            V = V * W[j, j]
        vals.extend(np.abs(V))
    return float(np.min(vals)), float(np.max(vals)), float(np.median(vals))


def fmt(mean, std):
    return f"{100 * mean:.2f} ± {100 * std:.2f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=5, help="evaluation seeds 0..S-1 (default 5)")
    ap.add_argument("--epochs", type=int, default=30, help="epochs per run (default 30)")
    ap.add_argument("--width", type=int, default=64, help="hidden width h of 64-h-h-h-10 (default 64)")
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of " + ", ".join(METHODS))
    ap.add_argument("--out", default="experiments/out",
                    help="output folder (default experiments/out/, untracked; the published results are in "
                         "experiments/digits/: pass --out experiments/digits to replace them)")
    args = ap.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    for m in methods:
        if m not in METHODS:
            ap.error(f"unknown method {m!r}; choose from {', '.join(METHODS)}")
    os.makedirs(args.out, exist_ok=True)
    widths = [64, args.width, args.width, args.width, 10]
    train_set, test_set, fit, val = load()
    t_start = time.perf_counter()
    results = {"config": {"widths": widths, "epochs": args.epochs, "seeds": list(range(args.seeds)), "batch": 32,
                          "grid": GRID, "select_seeds": list(SELECT_SEEDS), "n_train": len(train_set[1]),
                          "n_test": len(test_set[1]), "n_fit": len(fit[1]), "n_val": len(val[1])},
               "methods": {}}
    for m in methods:
        t0 = time.perf_counter()
        lr, scores = select_lr(m, widths, fit, val, args.epochs)
        t_sel = time.perf_counter() - t0
        runs = []
        t0 = time.perf_counter()
        for seed in range(args.seeds):
            with np.errstate(all="ignore"):
                accs, losses, info = train(m, lr, widths, seed, train_set, test_set, args.epochs)
            runs.append({"seed": seed, "test_acc": accs, "train_loss": losses, **info})
        t_run = time.perf_counter() - t0
        A = np.array([r["test_acc"] for r in runs], dtype=float)
        final = A[:, -1]
        best = np.nanmax(A[:, 1:], axis=1)
        results["methods"][m] = {
            "label": METHODS[m][0], "lr": lr, "val_scores": {f"{k:.3g}": v for k, v in scores.items()},
            "runs": runs, "final_mean": float(np.nanmean(final)), "final_std": float(np.nanstd(final)),
            "best_mean": float(np.nanmean(best)), "best_std": float(np.nanstd(best)),
            "n_diverged": sum(r["diverged"] is not None for r in runs),
            "seconds_selection": t_sel, "seconds_runs": t_run,
            "n_nonpositive_mean": float(np.mean([r["n_nonpositive"] for r in runs])),
        }
        print(f"{m:9s} lr={lr:.3g}  final {fmt(np.nanmean(final), np.nanstd(final))}  "
              f"best {fmt(np.nanmean(best), np.nanstd(best))}  (selection {t_sel:.1f}s, runs {t_run:.1f}s)", flush=True)
    results["seconds_total"] = time.perf_counter() - t_start
    if "gsgd" in results["methods"] and "gsgd_pm1" in results["methods"]:
        # claim 11 in float: the ±1-gauged init with gsgd's rate (rerun if its own selection differed)
        g = results["methods"]["gsgd"]
        p = results["methods"]["gsgd_pm1"]
        diffs, first = [], []
        for k, seed in enumerate(range(args.seeds)):
            a = np.array(g["runs"][k]["test_acc"], dtype=float)
            if p["lr"] == g["lr"]:
                b = np.array(p["runs"][k]["test_acc"], dtype=float)
            else:
                with np.errstate(all="ignore"):
                    b = np.array(train("gsgd_pm1", g["lr"], widths, seed, train_set, test_set, args.epochs)[0])
            d = np.abs(a - b)
            diffs.append(float(np.nanmax(d)))
            nz = np.flatnonzero(d > 0)
            first.append(int(nz[0]) if len(nz) else None)
        results["gauge_check"] = {"lr": g["lr"], "max_abs_test_acc_difference": max(diffs),
                                  "per_seed_max_difference": diffs, "first_epoch_with_difference": first}
    with open(os.path.join(args.out, "results.json"), "w") as fh:
        json.dump(results, fh, indent=1)
    plot(results, os.path.join(args.out, "test_accuracy.png"))
    write_md(results, os.path.join(args.out, "results.md"))
    print(f"wrote {args.out}/results.json, results.md, test_accuracy.png ({results['seconds_total']:.0f}s)")


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    styles = {"sgd": ("C0", "-"), "gsgd": ("C3", "-"), "gsgd_pm1": ("C1", ":"), "gsgd_one": ("C2", "-"),
              "sgd_one": ("C0", "--")}
    cfg = results["config"]
    for ax, (lo, title) in zip(axes, ((0, "full range"), (90, "zoom: 90–100 %"))):
        for m, r in results["methods"].items():
            A = 100 * np.array([run["test_acc"] for run in r["runs"]], dtype=float)
            mu, sd = np.nanmean(A, axis=0), np.nanstd(A, axis=0)
            ep = np.arange(A.shape[1])
            color, ls = styles.get(m, (None, "-"))
            ax.plot(ep, mu, color=color, ls=ls, label=f"{r['label']}, lr={r['lr']:.3g}")
            ax.fill_between(ep, mu - sd, mu + sd, color=color, alpha=0.12)
        ax.set_xlabel("epoch")
        ax.set_ylabel("test accuracy (%)")
        ax.set_ylim(lo, 100)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"digits 8×8, bias-free MLP {'-'.join(map(str, cfg['widths']))}: test accuracy, "
                 f"mean ± std over {len(cfg['seeds'])} seeds")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_md(results, path):
    cfg = results["config"]
    ms = results["methods"]
    lines = [
        "# G-SGD vs SGD on scikit-learn digits (small-scale reproduction of gsgd19 §7)",
        "",
        f"Bias-free ReLU MLP {'-'.join(map(str, cfg['widths']))}, He init, softmax cross-entropy (mean), minibatch "
        f"{cfg['batch']}, {cfg['epochs']} epochs, no momentum / weight decay / schedule. Fixed stratified split "
        f"(seed 0): {cfg['n_train']} train / {cfg['n_test']} test. Learning rate per method from the grid "
        f"10^(−k/2), k = 0..12, by mean final validation accuracy of 2 selection seeds "
        f"({cfg['n_fit']} fit / {cfg['n_val']} validation, split of the training part, seed 0). "
        f"Evaluation seeds {cfg['seeds'][0]}..{cfg['seeds'][-1]}; every method starts from the same He "
        "init per seed (then transformed as named). Generated by `experiments/digits_gsgd.py`.",
        "",
        "| method | lr | final test acc (%) | best test acc over epochs (%) | diverged runs | "
        "rates ≤ 0 per run (mean) | seconds (selection + runs) |",
        "|---|---|---|---|---|---|---|",
    ]
    for m, r in ms.items():
        lines.append(f"| {r['label']} | {r['lr']:.3g} | {fmt(r['final_mean'], r['final_std'])} | "
                     f"{fmt(r['best_mean'], r['best_std'])} | {r['n_diverged']}/{len(r['runs'])} | "
                     f"{r['n_nonpositive_mean']:.0f} | {r['seconds_selection']:.1f} + {r['seconds_runs']:.1f} |")
    lines += ["", f"Total wall time: {results['seconds_total']:.0f} s.", "", "![test accuracy](test_accuracy.png)", ""]
    lines += ["## Validation accuracy over the learning-rate grid (mean of the 2 selection seeds)", "",
              "| lr | " + " | ".join(ms) + " |", "|---|" + "---|" * len(ms)]
    for lr in cfg["grid"]:
        key = f"{lr:.3g}"
        lines.append(f"| {key} | " + " | ".join(f"{100 * ms[m]['val_scores'][key]:.1f}" for m in ms) + " |")
    lines += ["", "## What this shows and does not show", "", interpretation(results), ""]
    with open(path, "w") as fh:
        fh.write("\n".join(lines))


def interpretation(results):
    ms = results["methods"]
    out = []

    def diff(a, b):
        if a not in ms or b not in ms:
            return None
        fa = np.array([r["test_acc"][-1] for r in ms[a]["runs"]], dtype=float)
        fb = np.array([r["test_acc"][-1] for r in ms[b]["runs"]], dtype=float)
        d = fa - fb
        return float(np.nanmean(d)), float(np.nanstd(d)), len(d)

    for a, b in (("gsgd", "sgd"), ("gsgd_one", "sgd_one"), ("gsgd_one", "sgd")):
        r = diff(a, b)
        if r is None:
            continue
        mu, sd, n = r
        se = sd / math.sqrt(max(n - 1, 1))
        verdict = ("within seed noise (|mean| < 2 standard errors)" if abs(mu) < 2 * se or sd == 0 and mu == 0
                   else ("G-SGD ahead" if mu > 0 else "G-SGD behind") + " by more than 2 standard errors")
        out.append(f"- Final test accuracy, {ms[a]['label']} − {ms[b]['label']} (paired by seed, n = {n}): "
                   f"{100 * mu:+.2f} ± {100 * sd:.2f} points (std of the paired differences; standard error "
                   f"{100 * se:.2f}) — {verdict}.")
    gc = results.get("gauge_check")
    if gc:
        out.append(f"- Claim 11 in float: G-SGD from the ±1-gauged init and from the raw init (same function) with "
                   f"the same rate {gc['lr']:.3g} give test-accuracy curves differing by at most "
                   f"{100 * gc['max_abs_test_acc_difference']:.2f} points over all seeds and epochs (first epoch with "
                   f"a difference, per seed: {gc['first_epoch_with_difference']}). In exact arithmetic the "
                   "trajectories are identical up to the rescaling (claim 11, checked exactly in "
                   "tests/test_gsgd.py); any float difference is rounding, amplified by the dynamics.")
    out.append("- Scale: one small data set (1797 images), one architecture, "
               f"{results['config']['epochs']} epochs, {len(results['config']['seeds'])} seeds, no learning-rate "
               "schedule or regularisation. Differences of a fraction of a point are at the level of seed-to-seed "
               "variation here; this run neither confirms nor refutes the paper's CIFAR/MNIST-scale claims.")
    if "gsgd" in ms:
        best_val = max(ms["gsgd"]["val_scores"].values())
        V = initial_skeleton_values(results["config"]["widths"], results["config"]["seeds"])
        out.append(
            "- G-SGD is SGD in the basis-path values v, so it is not invariant to their scale: the effective rate of "
            "a non-skeleton weight is η/(P_t(a)Q_t(b))² (products of skeleton weights of its columns) and that of σ_j "
            f"is governed by 1/V_j². At the He init here |V_j| ranges over [{V[0]:.1e}, {V[1]:.1e}] (median "
            f"{V[2]:.1e}; all evaluation seeds), i.e. effective rates spread over ~{2 * math.log10(V[1] / V[0]):.0f} "
            "decades, so no single η suits all columns: gauge-free G-SGD from this init reached at most "
            f"{100 * best_val:.1f}% validation accuracy anywhere on the grid, with many rates ≤ 0 (sign flips) per run. "
            "The ±1 gauge does not help (it is the same function and, by claim 11, the same trajectory). The official "
            "overwrite-with-1 init sets every V_j = 1, so G-SGD starts like SGD on the non-skeleton weights; the "
            "comparison that isolates the optimizer is therefore G-SGD vs SGD *from that same init* (`sgd_one`).")
    out.append("- 'rates ≤ 0' counts basis-path SGD steps that take a value through 0 (signs flip; planted "
               "violation 14); the optimizer carries out the exact step (`nonpositive=\"allow\"`).")
    return "\n".join(out)


if __name__ == "__main__":
    main()
