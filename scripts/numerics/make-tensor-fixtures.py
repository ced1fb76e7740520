#!/usr/bin/env python3
"""Writes tests/fixtures/onnx_cases.json and tests/fixtures/torch_nll.json: the peers' own test
cases for the tensor round (docs/tensors.md), run with NumPy.

ONNX: the backend node-test case scripts onnx/backend/test/case/node/{softmax, logsoftmax,
softmax_cross_entropy_loss, negativeloglikelihoodloss, argmax, hardmax, topk, reduce_log_sum_exp}.py
are executed as they are, with the three `onnx` imports they use stubbed (onnx.helper.make_node
records the op and its attributes; onnx.backend.test.case.base.Base is a plain class;
onnx.backend.test.case.node.expect records inputs and expected outputs). Every `export*` method runs;
each expect() call becomes one case { name, op, attrs, inputs, outputs } with ONNX's own expected
values (computed by those scripts, often in float32). Usage:

    python3 scripts/make-tensor-fixtures.py <dir holding those .py files> <onnx commit>

(e.g. extracted with `git show <commit>:onnx/backend/test/case/node/<name>.py`).

PyTorch: torch/testing/_internal/common_modules.py module_inputs_torch_nn_NLLLoss has no NumPy
form (it needs torch), so its cases are transcribed: input shapes (15, 4), (2, 4, 5), (2, 4, 5, 5),
(2, 4, 5, 5, 2, 2) of log_softmax(dim=1) inputs, integer targets in [0, 4), and the seven option
sets ('', reduction sum / none, ignore_index 2, weights, weights + ignore_index 2, weights +
ignore_index -1). Inputs are drawn here (seeded); expected values are computed in float64 following
torch/nn/functional.py nll_loss and aten/src/ATen/native/LossNLL.cpp (nll_loss_forward_out_cpu_template:
loss_i = -w[t_i]·x[i, t_i], ignored targets 0; 'mean' divides by Σ w[t_i] over the non-ignored targets).
"""
import json
import math
import sys
import types

import numpy as np


# ---- the onnx stub ----

class Node:
    def __init__(self, op_type, inputs, outputs, **attrs):
        self.op_type = op_type
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.attrs = attrs


CASES = []


def expect(node, inputs, outputs, name, **kwargs):
    CASES.append((node, inputs, outputs, name))


def install_stub():
    onnx = types.ModuleType('onnx')
    helper = types.ModuleType('onnx.helper')
    helper.make_node = lambda op_type, inputs, outputs, **kw: Node(op_type, inputs, outputs, **kw)
    onnx.helper = helper
    mods = {'onnx': onnx, 'onnx.helper': helper}
    for path in ['onnx.backend', 'onnx.backend.test', 'onnx.backend.test.case']:
        mods[path] = types.ModuleType(path)
    base = types.ModuleType('onnx.backend.test.case.base')

    class Base:
        pass
    base.Base = Base
    node = types.ModuleType('onnx.backend.test.case.node')
    node.expect = expect
    mods['onnx.backend.test.case.base'] = base
    mods['onnx.backend.test.case.node'] = node
    sys.modules.update(mods)


def encode(a):
    a = np.asarray(a)
    flat = a.reshape(-1)
    kind = 'int' if np.issubdtype(a.dtype, np.integer) else 'float'
    if kind == 'float':
        # float32 values as their shortest round-trip decimal (Math.fround of it is the same float32)
        f = (lambda v: float(str(v))) if a.dtype == np.float32 else float
        data = [f(v) if math.isfinite(float(v)) else str(float(v)) for v in flat]
    else:
        data = [int(v) for v in flat]
    return {'dtype': str(a.dtype), 'shape': list(a.shape), 'data': data}


def run_onnx(folder):
    install_stub()
    files = ['softmax', 'logsoftmax', 'softmax_cross_entropy_loss', 'negativeloglikelihoodloss',
             'argmax', 'hardmax', 'topk', 'reduce_log_sum_exp']
    for f in files:
        src = open(f'{folder}/{f}.py').read()
        ns = {'__name__': f'onnx_case_{f}'}
        exec(compile(src, f'{f}.py', 'exec'), ns)
        for obj in list(ns.values()):
            if isinstance(obj, type) and obj.__module__ == ns['__name__'] and obj.__name__ != 'Base':
                for attr in sorted(dir(obj)):
                    if attr.startswith('export'):
                        getattr(obj, attr)()
    out = []
    for node, inputs, outputs, name in CASES:
        attrs = {}
        for k, v in node.attrs.items():
            attrs[k] = v.tolist() if isinstance(v, (np.ndarray, np.generic)) else v
        out.append({
            'name': name, 'op': node.op_type, 'attrs': attrs,
            'inputNames': node.inputs, 'inputs': [encode(x) for x in inputs],
            'outputs': [encode(x) for x in outputs],
        })
    return out


# ---- PyTorch NLLLoss module inputs, float64 ----

def nll_torch(x, t, weight=None, ignore_index=-100, reduction='mean'):
    """torch nll_loss semantics in float64: x (N, C, d...), t (N, d...)."""
    N, C = x.shape[0], x.shape[1]
    xs = x.reshape(N, C, -1)
    ts = t.reshape(N, -1)
    w = np.ones(C) if weight is None else weight
    losses = np.zeros(ts.shape)
    wsum = 0.0
    for i in range(N):
        for d in range(ts.shape[1]):
            c = ts[i, d]
            if c == ignore_index:
                continue
            losses[i, d] = -w[c] * xs[i, c, d]
            wsum += w[c]
    if reduction == 'none':
        return losses.reshape(t.shape)
    if reduction == 'sum':
        return losses.sum()
    return losses.sum() / wsum


def log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    z = x - m
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def run_torch_nll():
    rng = np.random.default_rng(20)
    C = 4
    out = []
    weight = np.abs(rng.standard_normal(C))
    options = [('', {}), ('reduction_sum', {'reduction': 'sum'}), ('reduction_none', {'reduction': 'none'}),
               ('ignore_index', {'ignore_index': 2}), ('weights', {'weight': weight}),
               ('weights_ignore_index', {'weight': weight, 'ignore_index': 2}),
               ('weights_ignore_index_neg', {'weight': weight, 'ignore_index': -1})]
    for desc, kw in options:
        for prefix, shape in [('', (15, C)), ('3d_', (2, C, 5)), ('nd_', (2, C, 5, 5)), ('higher_dim_', (2, C, 5, 5, 2, 2))]:
            x = log_softmax(rng.uniform(-9, 9, shape), 1)  # make_tensor's default range for floats is [-9, 9]
            t = np.floor(rng.uniform(0, 1, (shape[0],) + shape[2:]) * C).astype(np.int64)
            if 'ignore_index' in kw and kw['ignore_index'] == -1:
                t.reshape(-1)[::5] = -1  # some targets at the (negative) ignore_index
            want = nll_torch(x, t, kw.get('weight'), kw.get('ignore_index', -100), kw.get('reduction', 'mean'))
            # gradient of the loss (the reduced value; for 'none', of the sum) w.r.t. x
            N = shape[0]
            xs = x.reshape(N, C, -1)
            ts = t.reshape(N, -1)
            w = kw.get('weight', np.ones(C))
            ig = kw.get('ignore_index', -100)
            g = np.zeros(xs.shape)
            den = 1.0
            if kw.get('reduction', 'mean') == 'mean':
                den = sum(w[c] for c in ts.reshape(-1) if c != ig)
            for i in range(N):
                for d in range(ts.shape[1]):
                    c = ts[i, d]
                    if c != ig:
                        g[i, c, d] = -w[c] / den
            out.append({
                'name': f'{prefix}{desc}' or 'default', 'shape': list(shape),
                'options': {k2: (v.tolist() if isinstance(v, np.ndarray) else v) for k2, v in kw.items()},
                'input': encode(x), 'target': encode(t), 'output': encode(want), 'grad': encode(g.reshape(shape)),
            })
    return out


def main():
    folder, commit = sys.argv[1], sys.argv[2]
    onnx_cases = run_onnx(folder)
    with open('tests/fixtures/onnx_cases.json', 'w') as f:
        json.dump({'source': f'onnx/onnx@{commit} onnx/backend/test/case/node/*.py', 'cases': onnx_cases}, f)
    with open('tests/fixtures/torch_nll.json', 'w') as f:
        json.dump({'source': 'pytorch torch/testing/_internal/common_modules.py module_inputs_torch_nn_NLLLoss (transcribed)',
                   'cases': run_torch_nll()}, f)
    print(f'{len(onnx_cases)} ONNX cases, torch NLLLoss cases written')


if __name__ == '__main__':
    main()
