#!/usr/bin/env python3
"""NumPy peer of the softmax-wasm bench (run by bench/engines/numpy.ts, one process per thread setting).

Usage: python3 bench/numpy_bench.py SPEC.json  → prints one JSON object on stdout, progress on stderr.

SPEC: {"max_time": s, "min_samples": k, "min_time": s, "warmup": s,
       "workloads": [{"id", "op", "dtype", "rows", "cols", "d", "reg",
                      "x": path, "labels": path | null, "W": path | null}]}
The data files are raw little-endian float32 / int32 written by the JS side (f64 workloads widen the
float32 values, exactly as the JS side does), so every engine sees the same numbers.

Timing is timeit-style: warm-up, then samples of `number` calls each (number chosen so one sample
takes >= min_time), until max_time has passed and min_samples are in; GC off while timing. The
median per-call time is reported, with the relative margin of error of the mean (95%, as
benchmark.js computes it).

The threads of the BLAS behind np.dot are set by the caller with OPENBLAS_NUM_THREADS etc.
(only S3 calls BLAS; NumPy's element-wise ops are single-threaded either way).
"""
import gc
import json
import os
import sys
import time

try:
    import numpy as np
except Exception as e:  # noqa: BLE001
    print(json.dumps({"error": f"NumPy not available: {e}"}))
    sys.exit(0)


def softmax(x):
    """Row softmax, the usual careful NumPy idiom (stable, in place after the subtraction)."""
    z = x - x.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def cross_entropy(x, y):
    """Mean softmax cross-entropy over integer labels, and its gradient w.r.t. the logits."""
    n = x.shape[0]
    rows = np.arange(n)
    z = x - x.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(s[:, 0]) - z[rows, y]))
    e /= s
    e[rows, y] -= 1
    e /= n
    return loss, e


def softmax_loss_vectorized(W, X, y, reg):
    """CS231n assignment 1, softmax.py: loss and dW of the linear softmax classifier (bias trick: no db)."""
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-np.log(probs[np.arange(num_train), y])) / num_train
    loss += reg * np.sum(W * W)
    dscores = probs
    dscores[np.arange(num_train), y] -= 1
    dscores /= num_train
    dW = X.T.dot(dscores)
    dW += 2 * reg * W
    return float(loss), dW


T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
           10: 2.228, 11: 2.201, 12: 2.179, 13: 2.16, 14: 2.145, 15: 2.131, 16: 2.12, 17: 2.11,
           18: 2.101, 19: 2.093, 20: 2.086, 21: 2.08, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.06,
           26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042}


def measure(fn, max_time, min_samples, min_time, warmup):
    """Per-call times (seconds) of fn: one entry per sample."""
    t0 = time.perf_counter()
    calls = 0
    best = float("inf")
    while True:
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best = min(best, dt)
        calls += 1
        total = time.perf_counter() - t0
        if (calls >= 3 and total >= warmup) or (calls >= 2 and dt > warmup):
            break
    number = max(1, int(min_time / best) + 1) if best < min_time else 1
    # A slow call gets fewer samples, as in the JS harness.
    min_samples = max(2, min(min_samples, int(max_time / best))) if best > 0 else min_samples
    samples = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        while len(samples) < min_samples or time.perf_counter() - start < max_time:
            t = time.perf_counter()
            for _ in range(number):
                fn()
            samples.append((time.perf_counter() - t) / number)
    finally:
        if gc_was:
            gc.enable()
    return samples


def digest(out, loss=None):
    flat = np.asarray(out, dtype=np.float64).ravel()
    w = (np.arange(flat.size) % 7) - 3
    d = {"checksum": float(np.dot(flat, w)), "scale": float(np.abs(flat).sum())}
    if loss is not None:
        d["loss"] = float(loss)
    return d


def stats(samples):
    s = sorted(samples)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    mean = sum(s) / n
    var = sum((v - mean) ** 2 for v in s) / (n - 1) if n > 1 else 0.0
    sem = (var ** 0.5) / (n ** 0.5)
    rme = 100 * sem * T_TABLE.get(n - 1, 1.96) / mean if mean > 0 else 0.0
    return {"medianMs": med * 1e3, "meanMs": mean * 1e3, "minMs": s[0] * 1e3, "rme": rme, "samples": n}


def run_one(w, opts):
    dt = np.float32 if w["dtype"] == "f32" else np.float64
    x = np.fromfile(w["x"], dtype="<f4").astype(dt)
    labels = np.fromfile(w["labels"], dtype="<i4").astype(np.intp) if w.get("labels") else None
    if w["op"] == "softmax":
        x = x.reshape(w["rows"], w["cols"])
        holder = {}

        def fn():
            holder["out"] = softmax(x)
        check = lambda: digest(holder["out"])  # noqa: E731
    elif w["op"] == "crossEntropy":
        x = x.reshape(w["rows"], w["cols"])
        holder = {}

        def fn():
            holder["r"] = cross_entropy(x, labels)
        check = lambda: digest(holder["r"][1], holder["r"][0])  # noqa: E731
    else:
        X = x.reshape(w["rows"], w["d"])
        W = np.fromfile(w["W"], dtype="<f4").astype(dt).reshape(w["d"], w["cols"])
        reg = w["reg"]
        holder = {}

        def fn():
            holder["r"] = softmax_loss_vectorized(W, X, labels, reg)
        check = lambda: digest(holder["r"][1], holder["r"][0])  # noqa: E731
    samples = measure(fn, opts["max_time"], opts["min_samples"], opts["min_time"], opts["warmup"])
    r = {"status": "ok", **stats(samples), "check": check()}
    return r


def blas_info():
    try:
        cfg = np.show_config(mode="dicts")
        b = cfg.get("Build Dependencies", {}).get("blas", {})
        return f"{b.get('name', '?')} {b.get('version', '')}".strip()
    except Exception:  # noqa: BLE001
        return "?"


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    results = {}
    for w in spec["workloads"]:
        try:
            results[w["id"]] = run_one(w, spec)
            r = results[w["id"]]
            print(f"  {w['id']}: {r['medianMs']:.4g} ms ±{r['rme']:.1f}% ({r['samples']} samples)", file=sys.stderr, flush=True)
        except Exception as e:  # noqa: BLE001
            results[w["id"]] = {"status": "error", "reason": f"{type(e).__name__}: {e}"}
            print(f"  {w['id']}: error {e}", file=sys.stderr, flush=True)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(json.dumps({
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "blas": blas_info(),
        "threads": threads,
        "cpu_count": os.cpu_count(),
        "results": results,
    }))


if __name__ == "__main__":
    main()
