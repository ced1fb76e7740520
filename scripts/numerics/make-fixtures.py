#!/usr/bin/env python3
"""Write the cross-entropy and tutorial test fixtures from an independent NumPy float64 implementation.

    python3 scripts/numerics/make-fixtures.py                # writes tests/fixtures/cross_entropy.json, tests/fixtures/tutorial.json
    python3 scripts/numerics/make-fixtures.py --check-torch  # also compares every case with PyTorch, if importable

This is NOT a translation of src/reference: it follows the structure of PyTorch's own
`torch.nn.functional.cross_entropy` (aten/src/ATen/native/LossNLL.cpp), term by term:

  integer labels:   loss = (1 - eps) * nll_loss(log_softmax(z), y, weight, ignore_index, reduction)
                         + (eps / C) * smooth,
                    smooth_i = -sum_c w_c * log_softmax(z)_ic   (0 on ignored rows),
                    'mean' divides both nll and smooth by sum_{non-ignored i} w_{y_i}
                    (the count of non-ignored rows without weights); 0/0 -> NaN.
  probability rows: q' = q * (1 - eps) + eps / C,  loss_i = -sum_c w_c * q'_c * log_softmax(z)_ic,
                    'mean' divides by N.

The logits gradient is derived by hand from the same terms (d log_softmax_c / d z_j = [c = j] - p_j):
  d nll_i / d z     = w_{y_i} * (p_i - onehot(y_i))
  d smooth_i / d z  = (sum_c w_c) * p_i - w
  d loss_i / d z    = (sum_c w_c q'_c) * p_i - w * q'          (probability rows)
each scaled like the loss ('mean': divided by the same denominator; a zero denominator gives loss NaN
and a zero gradient: PyTorch 2.13 does the same when every row is ignored, the only such case here).

Non-finite numbers are stored as the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for
them). Every float is written with repr(), which round-trips float64 exactly.
"""
import json
import math
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT_DIR = os.path.join(ROOT, "tests", "fixtures")


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    zs = z - m
    return zs - np.log(np.exp(zs).sum(axis=1, keepdims=True))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def ce_integer(z, y, weight=None, ignore_index=-100, reduction="mean", eps=0.0):
    """PyTorch cross_entropy with class-index targets; returns (loss, per-sample losses, dL/dz)."""
    n, c = z.shape
    w = np.ones(c) if weight is None else np.asarray(weight, dtype=np.float64)
    logp = log_softmax(z)
    p = np.exp(logp)
    keep = y != ignore_index
    y_safe = np.where(keep, y, 0)
    rows = np.arange(n)

    # nll_loss: -w_y * logp[i, y] on kept rows
    w_y = np.where(keep, w[y_safe], 0.0)
    nll = -w_y * logp[rows, y_safe]
    onehot = np.zeros((n, c))
    onehot[rows, y_safe] = 1.0
    d_nll = w_y[:, None] * (p - onehot)

    # the label-smoothing term: -sum_c w_c logp[i, c] on kept rows
    smooth = np.where(keep, -(logp * w[None, :]).sum(axis=1), 0.0)
    d_smooth = np.where(keep[:, None], w.sum() * p - w[None, :], 0.0)

    per = (1 - eps) * nll + (eps / c) * smooth
    dper = (1 - eps) * d_nll + (eps / c) * d_smooth
    if reduction == "none":
        return float(per.sum()), per, dper
    if reduction == "sum":
        return float(per.sum()), None, dper
    denom = w_y.sum()
    if denom == 0:
        return math.nan, None, np.zeros_like(z)
    return float(per.sum() / denom), None, dper / denom


def ce_probs(z, q, weight=None, reduction="mean", eps=0.0):
    """PyTorch cross_entropy with class-probability targets; returns (loss, per-sample losses, dL/dz)."""
    n, c = z.shape
    w = np.ones(c) if weight is None else np.asarray(weight, dtype=np.float64)
    logp = log_softmax(z)
    p = np.exp(logp)
    q2 = q * (1 - eps) + eps / c
    per = -(logp * q2 * w[None, :]).sum(axis=1)
    wq = w[None, :] * q2
    dper = wq.sum(axis=1, keepdims=True) * p - wq
    if reduction == "none":
        return float(per.sum()), per, dper
    if reduction == "sum":
        return float(per.sum()), None, dper
    if n == 0:
        return math.nan, None, np.zeros_like(z)
    return float(per.sum() / n), None, dper / n


def enc(x):
    """A float or an array as JSON-safe nested lists, non-finite values as strings."""
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return [enc(v) for v in x.ravel().tolist()]
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def make_cases():
    rng = np.random.default_rng(20261124)
    cases = []

    def logits(n, c, scale=3.0):
        return rng.standard_normal((n, c)) * scale

    def labels(n, c):
        return rng.integers(0, c, size=n).astype(np.int64)

    def weights(c):
        return rng.uniform(0.2, 2.0, size=c)

    def probs(n, c):
        a = rng.uniform(0.0, 1.0, size=(n, c)) ** 2
        return a / a.sum(axis=1, keepdims=True)

    def add_int(name, z, y, reduction="mean", w=None, ignore=None, eps=0.0):
        kwargs = {} if ignore is None else {"ignore_index": ignore}
        loss, per, grad = ce_integer(z, y, w, reduction=reduction, eps=eps, **kwargs)
        opts = {"reduction": reduction}
        if w is not None:
            opts["weights"] = enc(w)
        if ignore is not None:
            opts["ignoreIndex"] = int(ignore)
        if eps:
            opts["labelSmoothing"] = eps
        cases.append({
            "name": name, "rows": z.shape[0], "cols": z.shape[1], "logits": enc(z),
            "labels": [int(v) for v in y], "options": opts,
            "loss": enc(loss), "losses": enc(per), "grad": enc(grad),
        })

    def add_prob(name, z, q, reduction="mean", w=None, eps=0.0):
        loss, per, grad = ce_probs(z, q, w, reduction=reduction, eps=eps)
        opts = {"reduction": reduction}
        if w is not None:
            opts["weights"] = enc(w)
        if eps:
            opts["labelSmoothing"] = eps
        cases.append({
            "name": name, "rows": z.shape[0], "cols": z.shape[1], "logits": enc(z),
            "targets": enc(q), "options": opts,
            "loss": enc(loss), "losses": enc(per), "grad": enc(grad),
        })

    # Plain integer labels, every reduction and a few shapes.
    for (n, c) in [(5, 4), (7, 3), (1, 1), (3, 10)]:
        z, y = logits(n, c), labels(n, c)
        for red in ("mean", "sum", "none"):
            add_int(f"int {n}x{c} {red}", z, y, red)

    # Class weights.
    z, y, w = logits(5, 4), labels(5, 4), weights(4)
    for red in ("mean", "sum", "none"):
        add_int(f"int weights 5x4 {red}", z, y, red, w=w)

    # ignoreIndex: a value inside [0, C), and PyTorch's default -100.
    z = logits(5, 4)
    y = np.array([2, 0, 2, 3, 1])
    for red in ("mean", "sum", "none"):
        add_int(f"int ignoreIndex=2 5x4 {red}", z, y, red, ignore=2)
    z = logits(7, 3)
    y = np.array([0, -100, 2, 1, -100, 1, 0])
    for red in ("mean", "none"):
        add_int(f"int ignoreIndex=-100 7x3 {red}", z, y, red, ignore=-100)
    add_int("int ignoreIndex=-100 weights 7x3 mean", z, y, "mean", w=weights(3), ignore=-100)
    # Every row ignored: 'mean' is 0/0 = NaN with a zero gradient; 'sum' is 0.
    z = logits(3, 4)
    y = np.array([-100, -100, -100])
    for red in ("mean", "sum", "none"):
        add_int(f"int all ignored 3x4 {red}", z, y, red, ignore=-100)

    # Label smoothing 0.1 and 1.
    z, y = logits(5, 4), labels(5, 4)
    for eps in (0.1, 1.0):
        for red in ("mean", "sum", "none"):
            add_int(f"int smoothing={eps} 5x4 {red}", z, y, red, eps=eps)
    z, y = logits(1, 1), labels(1, 1)
    add_int("int smoothing=0.1 1x1 mean", z, y, "mean", eps=0.1)

    # Weights + smoothing + ignoreIndex together.
    z, w = logits(7, 3), weights(3)
    y = np.array([1, 0, 1, 2, 2, 0, 1])
    for eps in (0.1, 1.0):
        for red in ("mean", "sum", "none"):
            add_int(f"int weights smoothing={eps} ignoreIndex=1 7x3 {red}", z, y, red, w=w, ignore=1, eps=eps)
    z, w = logits(3, 10), weights(10)
    y = np.array([4, -100, 9])
    add_int("int weights smoothing=0.1 ignoreIndex=-100 3x10 mean", z, y, "mean", w=w, ignore=-100, eps=0.1)
    add_int("int weights smoothing=0.1 3x10 sum", z, np.array([4, 0, 9]), "sum", w=w, eps=0.1)

    # Probability-row targets.
    for (n, c) in [(5, 4), (3, 10), (1, 1)]:
        z, q = logits(n, c), probs(n, c)
        for red in ("mean", "sum", "none"):
            add_prob(f"probs {n}x{c} {red}", z, q, red)
    z, q, w = logits(5, 4), probs(5, 4), weights(4)
    for red in ("mean", "sum", "none"):
        add_prob(f"probs weights 5x4 {red}", z, q, red, w=w)
    for eps in (0.1, 1.0):
        add_prob(f"probs smoothing={eps} 5x4 mean", z, q, "mean", eps=eps)
        for red in ("mean", "sum", "none"):
            add_prob(f"probs weights smoothing={eps} 5x4 {red}", z, q, red, w=w, eps=eps)
    # A one-hot probability row equals the integer label (checked in the tests too).
    z, y = logits(7, 3), labels(7, 3)
    add_prob("probs one-hot 7x3 mean", z, np.eye(3)[y], "mean")
    return cases


def make_tutorial():
    """The DESIGN.md example: x = [1, 2, 3], W = [[-1, 1], [1, -1], [0, 0]], label 1, no bias, no reg."""
    X = np.array([[1.0, 2.0, 3.0]])
    W = np.array([[-1.0, 1.0], [1.0, -1.0], [0.0, 0.0]])
    y = np.array([1])
    n = X.shape[0]
    scores = X @ W
    p = softmax(scores)
    loss = float(-np.log(p[np.arange(n), y]).mean())
    G = p.copy()
    G[np.arange(n), y] -= 1.0
    G /= n
    return {
        "X": enc(X), "rows": 1, "D": 3, "C": 2, "W": enc(W), "labels": [int(v) for v in y],
        "scores": enc(scores), "probabilities": enc(p), "loss": loss,
        "dW": enc(X.T @ G), "db": enc(G.sum(axis=0)), "dX": enc(G @ W.T),
    }


def dec(v):
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v] if isinstance(v, str) else float(v)


def check_torch(cases):
    """Recomputes every case with torch.nn.functional.cross_entropy (float64, autograd) and reports the
    largest difference. Only a cross-check of this script; the fixtures never depend on PyTorch."""
    import torch
    import torch.nn.functional as F

    worst = 0.0
    for case in cases:
        n, c, o = case["rows"], case["cols"], case["options"]
        z = torch.tensor([dec(v) for v in case["logits"]], dtype=torch.float64).reshape(n, c).requires_grad_()
        kw = {"reduction": o["reduction"], "label_smoothing": o.get("labelSmoothing", 0.0)}
        if "weights" in o:
            kw["weight"] = torch.tensor(o["weights"], dtype=torch.float64)
        if "labels" in case:
            target = torch.tensor(case["labels"], dtype=torch.int64)
            if "ignoreIndex" in o:
                kw["ignore_index"] = o["ignoreIndex"]
        else:
            target = torch.tensor(case["targets"], dtype=torch.float64).reshape(n, c)
        out = F.cross_entropy(z, target, **kw)
        total = out.sum() if o["reduction"] == "none" else out
        total.backward()
        errs = [abs(float(total.detach()) - dec(case["loss"])) / max(abs(dec(case["loss"])), 1e-300)
                if not math.isnan(dec(case["loss"])) or not math.isnan(float(total.detach())) else 0.0,
                float(np.max(np.abs(z.grad.numpy().ravel() - np.array([dec(v) for v in case["grad"]])), initial=0.0))]
        if o["reduction"] == "none":
            errs.append(float(np.max(np.abs(out.detach().numpy() - np.array([dec(v) for v in case["losses"]])), initial=0.0)))
        err = max(errs)
        if not err <= 1e-12:
            print(f"  MISMATCH with PyTorch: {case['name']}: {err}")
        worst = max(worst, err) if not math.isnan(err) else math.inf
    print(f"PyTorch {torch.__version__}: worst difference over {len(cases)} cases {worst:.2e}")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    header = "generated by scripts/numerics/make-fixtures.py (NumPy float64, PyTorch cross_entropy semantics); do not edit"
    ce = {"generator": header, "numpy": np.__version__, "cases": make_cases()}
    with open(os.path.join(OUT_DIR, "cross_entropy.json"), "w") as f:
        json.dump(ce, f, separators=(",", ":"))
        f.write("\n")
    tut = {"generator": header, "numpy": np.__version__, **make_tutorial()}
    with open(os.path.join(OUT_DIR, "tutorial.json"), "w") as f:
        json.dump(tut, f, indent=1)
        f.write("\n")
    print(f"{len(ce['cases'])} cross-entropy cases, tutorial loss {tut['loss']!r}")
    if "--check-torch" in sys.argv:
        check_torch(ce["cases"])


if __name__ == "__main__":
    main()
