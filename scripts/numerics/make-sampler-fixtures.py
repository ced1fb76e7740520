#!/usr/bin/env python3
"""Write tests/fixtures/sampler.json: the decoding sampler's processors and warpers computed in NumPy
float64, written from the anchors' definitions (not from src/reference):

  logit bias        Hugging Face SequenceBiasLogitsProcessor (one-token sequences): scores[t] += bias
  repetition        HF RepetitionPenaltyLogitsProcessor: gather the scores of input_ids,
                    where(score < 0, score * penalty, score / penalty), scatter (distinct tokens once)
  presence/freq.    OpenAI / llama.cpp llama_sampler_penalties_apply:
                    logit -= count * frequency + (count > 0) * presence
  allowed mask      xgrammar-style bitmask: token t kept iff (mask[t >> 5] >> (t & 31)) & 1
  top-n-sigma       llama.cpp llama_sampler_top_n_sigma_apply: std over the logits != -inf,
                    remove logit < max - n * std (first of the warpers, as llama.cpp's default chain)
  temperature       HF TemperatureLogitsWarper: scores / T
  top-k, top-p      HF TopKLogitsWarper / TopPLogitsWarper (sorted ascending, remove
                    cumulative <= 1 - top_p, keep at least one)
  min-p             HF MinPLogitsWarper: remove probs < min_p * max prob
  typical-p         HF TypicalLogitsWarper: entropy, |-log p - H| ascending, cumulative < mass,
                    keep scores <= the boundary's

    python3 scripts/numerics/make-sampler-fixtures.py    # writes tests/fixtures/sampler.json

The rows have no ties at a top-k boundary (HF keeps every token tied with the k-th; the library keeps
exactly k, lower index first). Non-finite numbers are stored as "Infinity" / "-Infinity" strings;
floats with repr() (exact float64 round trip).
"""
import json
import os

import numpy as np


def process(x, history, window, rep, pres, freq, bias, allowed):
    s = x.copy()
    for t, b in bias:                                   # SequenceBiasLogitsProcessor
        s[t] += b
    h = history[-window:] if window is not None else history
    if window == 0:
        h = []
    if rep != 1 and len(h):                             # RepetitionPenaltyLogitsProcessor
        ids = np.array(h, dtype=np.int64)
        score = s[ids]
        score = np.where(score < 0, score * rep, score / rep)
        s[ids] = score
    if (pres != 0 or freq != 0) and len(h):             # llama_sampler_penalties_apply
        toks, counts = np.unique(np.array(h, dtype=np.int64), return_counts=True)
        s[toks] -= counts * freq + (counts > 0) * pres
    if allowed is not None:                             # the grammar bitmask, last processor
        t = np.arange(len(s))
        bits = (np.array(allowed, dtype=np.uint64)[t >> 5] >> (t & 31).astype(np.uint64)) & 1
        s = np.where(bits == 1, s, -np.inf)
    return s


def softmax(s):
    m = np.max(s)
    e = np.exp(s - m)
    return e / e.sum()


def warp(s, T, top_k, top_p, min_p, typical_p, n_sigma):
    s = s.copy()
    if n_sigma:                                         # llama_sampler_top_n_sigma_apply
        fin = s[s != -np.inf]
        std = np.sqrt(np.mean((fin - fin.mean()) ** 2))
        s[s < s.max() - n_sigma * std] = -np.inf
    s = s / T                                           # TemperatureLogitsWarper
    if top_k:                                           # TopKLogitsWarper
        kth = np.sort(s)[::-1][min(top_k, len(s)) - 1]
        s[s < kth] = -np.inf
    if top_p < 1:                                       # TopPLogitsWarper
        order = np.argsort(s, kind='stable')
        cum = np.cumsum(softmax(s[order]))
        remove = cum <= 1 - top_p
        remove[-1] = False
        s[order[remove]] = -np.inf
    if min_p:                                           # MinPLogitsWarper
        p = softmax(s)
        s[p < min_p * p.max()] = -np.inf
    if typical_p < 1:                                   # TypicalLogitsWarper
        with np.errstate(divide='ignore', invalid='ignore'):
            logp = s - s.max() - np.log(np.sum(np.exp(s - s.max())))
            p = np.exp(logp)
            ent = -np.nansum(logp * p)
            shifted = np.abs(-logp - ent)
        order = np.argsort(shifted, kind='stable')
        cum = np.cumsum(softmax(s[order]))
        last = min(int(np.sum(cum < typical_p)), len(s) - 1)
        remove = shifted > shifted[order[last]]
        s[remove] = -np.inf
    return s


def enc(v):
    v = float(v)
    if v == np.inf:
        return 'Infinity'
    if v == -np.inf:
        return '-Infinity'
    return v


def main():
    rng = np.random.default_rng(20261207)
    cases = []

    def add(name, x, T=1.0, top_k=0, top_p=1.0, min_p=0.0, typical_p=1.0, n_sigma=0.0,
            history=(), window=None, rep=1.0, pres=0.0, freq=0.0, bias=(), allowed=None):
        x = np.asarray(x, dtype=np.float64)
        proc = process(x, list(history), window, rep, pres, freq, list(bias), allowed)
        filt = warp(proc, T, top_k, top_p, min_p, typical_p, n_sigma)
        kept = [int(j) for j in np.nonzero(filt != -np.inf)[0]]
        cases.append({
            'name': name, 'logits': [enc(v) for v in x],
            'options': {k: v for k, v in {
                'temperature': T, 'topK': top_k or None, 'topP': top_p if top_p < 1 else None,
                'minP': min_p or None, 'typicalP': typical_p if typical_p < 1 else None,
                'topNSigma': n_sigma or None, 'history': list(history) or None, 'penaltyWindow': window,
                'repetitionPenalty': rep if rep != 1 else None, 'presencePenalty': pres or None,
                'frequencyPenalty': freq or None, 'logitBias': [[int(t), enc(b)] for t, b in bias] or None,
                'allowed': allowed}.items() if v is not None},
            'processed': [enc(v) for v in proc],
            'filtered': [enc(v) for v in filt],
            'kept': kept,
            'probs': [enc(v) for v in softmax(filt)],
        })

    # penalties on a history with repeats; logits of both signs (and a zero)
    x = np.array([2.5, -1.5, 0.0, 3.25, -0.75, 1.0, -2.0, 0.5, 4.0, -3.5, 1.75, -0.25])
    hist = [3, 1, 3, 8, 1, 1, 6, 2, 11, 3]
    add('repetition 1.3 (positive divided, negative multiplied, zero kept)', x, history=hist, rep=1.3)
    add('repetition 0.8 (a reward)', x, history=hist, rep=0.8)
    add('presence 0.5 + frequency 0.25', x, history=hist, pres=0.5, freq=0.25)
    add('negative presence and frequency', x, history=hist, pres=-0.4, freq=-0.3)
    add('all three penalties', x, history=hist, rep=1.1, pres=0.6, freq=0.2)
    add('all three penalties, window 4', x, history=hist, window=4, rep=1.1, pres=0.6, freq=0.2)
    add('window 0 (nothing counts)', x, history=hist, window=0, rep=1.5, pres=1.0, freq=1.0)
    add('logit bias then repetition (bias first)', x, history=hist, rep=1.2, bias=[(3, -4.0), (1, 2.5), (9, 0.125)])
    add('bias -inf bans a token', x, bias=[(8, -np.inf)])
    add('allowed mask', x, allowed=[0b101101100111])
    add('everything, T 0.7, top-k 8, top-p 0.9', x, T=0.7, top_k=8, top_p=0.9, history=hist, rep=1.05, pres=0.3,
        freq=0.1, bias=[(0, 0.5)], allowed=[0b111111110111])
    # typical-p and top-n-sigma on peaked and flat rows
    peaked = np.concatenate([[6.0, 4.5, 4.0, 3.6], rng.normal(0, 1, 60)])
    flat = rng.uniform(-0.5, 0.5, 64)
    for nm, row in (('peaked', peaked), ('flat', flat)):
        add(f'typical-p 0.9, {nm}', row, typical_p=0.9)
        add(f'typical-p 0.3, {nm}, T 0.8', row, T=0.8, typical_p=0.3)
        add(f'typical-p 0.95 after top-k 40, {nm}', row, top_k=40, typical_p=0.95)
        add(f'top-n-sigma 1, {nm}', row, n_sigma=1.0)
        add(f'top-n-sigma 2.5, {nm}, T 1.5', row, T=1.5, n_sigma=2.5)
        add(f'top-n-sigma 1.5 then top-p 0.8, {nm}', row, n_sigma=1.5, top_p=0.8)
        add(f'top-n-sigma 0.5 + min-p 0.05 + typical 0.8, {nm}', row, n_sigma=0.5, min_p=0.05, typical_p=0.8)
    out = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'sampler.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'scripts/numerics/make-sampler-fixtures.py', 'numpy': np.__version__, 'cases': cases}, f, indent=1)
        f.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.normpath(out)}')


if __name__ == '__main__':
    main()
