#!/usr/bin/env python3
"""NumPy peer of the softmax-wasm bench (run by bench/engines/numpy.ts, one process per thread setting).

Usage: python3 bench/numpy_bench.py SPEC.json  → prints one JSON object on stdout, progress on stderr.

SPEC: {"max_time": s, "min_samples": k, "min_time": s, "warmup": s,
       "workloads": [{"id", "op", "dtype", "rows", "cols", "d", "options": {...},
                      "inputs": {"x": path, "labels": path, "W": path, "dy": path, ...}}]}
The ops are the registry's (bench/ops.ts); OPS below has NumPy's version of some of them, the others
(and options a version does not implement) are reported as skipped. The data files are raw
little-endian float32 / int32 written by the JS side (f64 workloads widen the float32 values,
exactly as the JS side does), so every engine sees the same numbers.

Timing is timeit-style: warm-up, then samples of `number` calls each (number chosen so one sample
takes >= min_time), until max_time has passed and min_samples are in; GC off while timing. The
median per-call time is reported, with the relative margin of error of the mean (95%, as
benchmark.js computes it).

The threads of the BLAS behind np.dot are set by the caller with OPENBLAS_NUM_THREADS etc.
(only the linear classifier and linearScores call BLAS; NumPy's element-wise ops are single-threaded either way).
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


class Workspace:
    """Preallocated buffers, as a performance-minded NumPy user writes a hot loop: every call below
    writes into them with out= (measured on this machine kind, the allocating idiom spends 2-5x its
    time in the allocator on softmax and cross-entropy, which would flatter the WASM side)."""

    def __init__(self, rows, cols, dtype, d=None):
        self.z = np.empty((rows, cols), dtype=dtype)      # shifted logits / scores, then probabilities
        self.m = np.empty((rows, 1), dtype=dtype)         # row max
        self.s = np.empty((rows, 1), dtype=dtype)         # row sum of exp
        self.rows = np.arange(rows)
        if d is not None:
            self.dW = np.empty((d, cols), dtype=dtype)
            self.tmp = np.empty((d, cols), dtype=dtype)


def shift_rows(x, ws, out):
    """out = x - (row max of x), the max kept in ws.m."""
    np.max(x, axis=1, keepdims=True, out=ws.m)
    np.subtract(x, ws.m, out=out)


def exp_rows(z, ws, out):
    """out = exp(z), its row sums in ws.s."""
    np.exp(z, out=out)
    np.sum(out, axis=1, keepdims=True, out=ws.s)


def softmax(x, ws):
    """Row softmax, stable, into ws.z: max, subtract, exp, sum, divide, each with out=."""
    shift_rows(x, ws, ws.z)
    exp_rows(ws.z, ws, ws.z)
    np.divide(ws.z, ws.s, out=ws.z)
    return ws.z


def probs_and_loss(z, y, ws):
    """z (shifted in place by its row max) becomes softmax(z); returns the mean of -log p[y]."""
    shift_rows(z, ws, z)
    zy = z[ws.rows, y]                                   # the one N-sized temporary
    exp_rows(z, ws, z)
    loss = float(np.mean(np.log(ws.s[:, 0]) - zy))
    np.divide(z, ws.s, out=z)
    return loss


def cross_entropy(x, y, ws):
    """Mean softmax cross-entropy over integer labels, and its gradient w.r.t. the logits (in ws.z)."""
    np.copyto(ws.z, x)
    loss = probs_and_loss(ws.z, y, ws)
    ws.z[ws.rows, y] -= 1
    ws.z *= 1.0 / x.shape[0]
    return loss, ws.z


def softmax_loss_vectorized(W, X, y, reg, ws):
    """CS231n assignment 1's softmax_loss_vectorized (bias trick: no db), written with out= buffers."""
    n = X.shape[0]
    np.dot(X, W, out=ws.z)
    loss = probs_and_loss(ws.z, y, ws)
    ws.z[ws.rows, y] -= 1
    ws.z *= 1.0 / n
    np.dot(X.T, ws.z, out=ws.dW)
    if reg:
        w = W.ravel()
        loss += reg * float(np.dot(w, w))
        np.multiply(W, 2 * reg, out=ws.tmp)
        ws.dW += ws.tmp
    return float(loss), ws.dW


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


def log_softmax(x, ws, out):
    """Row log-softmax into out: x - max - log(sum(exp(x - max))); the exps go to ws.z."""
    shift_rows(x, ws, out)
    exp_rows(out, ws, ws.z)
    np.log(ws.s, out=ws.s)
    out -= ws.s
    return out


def softmax_backward(y, dy, out):
    """dx = y * (dy - sum(dy * y)) per row, into out."""
    dot = np.einsum("ij,ij->i", dy, y)[:, None]
    np.subtract(dy, dot, out=out)
    out *= y
    return out


def log_sum_exp(x, ws):
    """Row log-sum-exp: max + log(sum(exp(x - max)))."""
    shift_rows(x, ws, ws.z)
    exp_rows(ws.z, ws, ws.z)
    np.log(ws.s, out=ws.s)
    ws.s += ws.m
    return ws.s[:, 0]


# op -> (options it implements, builder(inputs, w) -> (fn, check)); the result of fn() goes to check.
OPS = {
    "softmax": ((), lambda a, w: (lambda ws=Workspace(w["rows"], w["cols"], a["x"].dtype): softmax(a["x"], ws), digest)),
    "logSoftmax": ((), lambda a, w: (lambda ws=Workspace(w["rows"], w["cols"], a["x"].dtype), out=np.empty_like(a["x"]):
                                     log_softmax(a["x"], ws, out), digest)),
    "exp": ((), lambda a, w: (lambda out=np.empty_like(a["x"]): np.exp(a["x"], out=out), digest)),
    "softmaxBackward": ((), lambda a, w: (lambda out=np.empty_like(a["x"]): softmax_backward(a["x"], a["dy"], out), digest)),
    "logSumExp": ((), lambda a, w: (lambda ws=Workspace(w["rows"], w["cols"], a["x"].dtype): log_sum_exp(a["x"], ws), digest)),
    "argmax": ((), lambda a, w: (lambda: a["x"].argmax(axis=1), digest)),
    "softmaxCrossEntropy": ((), lambda a, w: (lambda ws=Workspace(w["rows"], w["cols"], a["x"].dtype): cross_entropy(a["x"], a["labels"], ws),
                                              lambda r: digest(r[1], r[0]))),
    "linearSoftmaxLoss": (("reg",), lambda a, w: (lambda ws=Workspace(w["rows"], w["cols"], a["x"].dtype, w["d"]):
                                                  softmax_loss_vectorized(a["W"], a["x"], a["labels"], w["options"].get("reg", 0.0), ws),
                                                  lambda r: digest(r[1], r[0]))),
    "linearScores": (("bias",), lambda a, w: (lambda out=np.empty((w["rows"], w["cols"]), dtype=a["x"].dtype):
                                              np.add(np.dot(a["x"], a["W"], out=out), a.get("bias", 0), out=out), digest)),
}


def load_inputs(w):
    """The workload's arrays: floats in its dtype, labels as intp; matrices reshaped."""
    dt = np.float32 if w["dtype"] == "f32" else np.float64
    rows, cols, d = w["rows"], w["cols"], w["d"]
    shapes = {"x": (rows, d or cols), "W": (d, cols), "dy": (rows, cols), "bias": (cols,), "weights": (cols,)}
    a = {}
    for name, path in w["inputs"].items():
        if name == "labels":
            a[name] = np.fromfile(path, dtype="<i4").astype(np.intp)
        else:
            a[name] = np.fromfile(path, dtype="<f4").astype(dt).reshape(shapes[name])
    return a


def run_one(w, opts):
    if w["op"] not in OPS:
        return {"status": "skipped", "reason": f"no NumPy {w['op']} here"}
    implements, make = OPS[w["op"]]
    other = [k for k in w["options"] if k not in implements]
    if other:
        return {"status": "skipped", "reason": f"NumPy's {w['op']} here has no {', '.join(other)}"}
    fn, check = make(load_inputs(w), w)
    holder = {}

    def timed():
        holder["r"] = fn()
    samples = measure(timed, opts["max_time"], opts["min_samples"], opts["min_time"], opts["warmup"])
    return {"status": "ok", **stats(samples), "check": check(holder["r"])}


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
            if r["status"] == "ok":
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
