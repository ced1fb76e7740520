#!/usr/bin/env python3
"""Fit and justify the constants of assembly/exp.ts (vectorized exp for softmax).

    python3 scripts/numerics/fit-exp.py [DEG ...]   # prints every constant as hex, bit pattern and decimal
                                           # (DEG: f64 degrees to fit, default 10 11 12; ~30 s)

Why these degrees: the f32 degree-5 fit has a relative approximation error of 9.2e-8 (0.8-1.5 ulp),
so the kernel lands at ~2.3 ulp with rounding; for f64, degree 10 gives 2.2e-16 (1-2 ulp on its own),
degree 11 gives 3.7e-18 (0.03 ulp) and is what assembly/exp.ts uses; degree 12 would buy nothing
measurable (the evaluation rounding, ~1 ulp, dominates).

Algorithm of the kernel (see assembly/exp.ts):
    n = round(x * log2(e))                      (magic-bias rounding)
    r = (x - n*LN2_HI) - n*LN2_LO               (no FMA: n*LN2_HI must be exact)
    exp(x) = 2^n * (1 + r*P(r)),  evaluated as  s + (s*r)*P(r)  with s = 2^n built from integer bits

This script
  1. checks the two-constant ln2 splits: LN2_HI has few significant bits, so n*LN2_HI is exact for
     every n the kernel meets (|n| <= 126 for f32, |n| <= 1022 for f64), and LN2_LO = ln2 - LN2_HI
     rounded to the working precision;
  2. fits P by a Remez exchange on the RELATIVE error of 1 + r*P(r) against exp(r) on
     [-ln2/2 - margin, ln2/2 + margin] (margin: n comes from a rounded product, so |r| can exceed
     ln2/2 by a few ulps of n), in 60-digit arithmetic (mpmath), with the constraint p(0) = 1
     built in (the constant term is fixed, only r^1..r^d are free);
  3. rounds the coefficients to the working precision one at a time, lowest power first, refitting the
     remaining free coefficients after each rounding by a discrete minimax LP (scipy HiGHS) on a dense
     grid (a poor man's fpminimax), and reports the
     approximation error of the rounded polynomial. The measured end-to-end error (rounding of the
     evaluation included) comes from scripts/numerics/exp-ulp.mjs.
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 60
LN2 = mp.log(2)
DEBUG = False
DEGREES64 = [int(d) for d in (sys.argv[1:] or ['10', '11', '12'])]


def f32(v):
    """Round an mpf/float to the nearest float32 and return it as a Python float."""
    return struct.unpack('<f', struct.pack('<f', float(mp.mpf(v))))[0] if abs(v) < 1e38 else float(v)


def f32_exact(v):
    # float(mpf) rounds to double first; for float32 rounding of a 60-digit value, round via the
    # double (double rounding can only matter at exact f32 ties, impossible for these constants,
    # checked below by comparing with a direct mpmath rounding).
    d = float(v)
    r = struct.unpack('<f', struct.pack('<f', d))[0]
    # direct rounding to 24 significant bits in mpmath
    m, e = mp.frexp(v)
    direct = float(mp.ldexp(mp.nint(m * 2**24), e - 24))
    assert r == direct, (v, r, direct)
    return r


def f64(v):
    return float(mp.mpf(v))  # mpmath rounds to nearest


def bits32(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def bits64(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def sig_bits(x):
    """Number of significant bits of a float (position of the last set mantissa bit)."""
    m, e = mp.frexp(mp.mpf(x))
    k = 0
    while m != mp.nint(m):
        m *= 2
        k += 1
    return k


def hex32(x):
    return float(x).hex()


# ---------------------------------------------------------------------------------------------
# Remez exchange for the relative error of 1 + fixed(r) + sum_k c_k r^k against exp(r).
# ---------------------------------------------------------------------------------------------

def rel_err(fixed, free_pows, c, r):
    p = mp.mpf(1)
    for k, v in fixed.items():
        p += v * r**k
    for k, v in zip(free_pows, c):
        p += v * r**k
    e = mp.exp(r)
    return (p - e) / e


def remez(a, fixed, free_pows, iters=40, grid=1500):
    # All free basis functions r^k vanish at 0 (p(0) = 1 is built in), so {r^k} is not a Haar system
    # on [-a, a]. Write the error as r^p (Q(r) - h(r)) / exp(r) with p the lowest free power: then
    # (Q - h) |r|^p / exp(r) is a weighted problem over a Haar system and must equioscillate, and the
    # true error is that times sign(r)^p. So the exchange works on err(r) * sign(r)^p.
    m = len(free_pows)
    p = min(free_pows)
    sg = lambda x: (mp.sign(x) ** p) if x != 0 else 0
    # initial reference: m+1 Chebyshev points, none at 0 (the error is 0 there by construction)
    xs = []
    for i in range(m + 1):
        x = -a * mp.cos(mp.pi * (i + mp.mpf(0.5)) / (m + 1))
        if abs(x) < a * mp.mpf('1e-3'):
            x = a * mp.mpf('0.1')
        xs.append(x)
    xs.sort()
    E = None
    for it in range(iters):
        # solve sum_k c_k x_i^k - (-1)^i E exp(x_i) = exp(x_i) - 1 - fixed(x_i)
        A = mp.matrix(m + 1, m + 1)
        b = mp.matrix(m + 1, 1)
        for i, x in enumerate(xs):
            for j, k in enumerate(free_pows):
                A[i, j] = x**k
            A[i, m] = -((-1) ** i) * mp.exp(x) * sg(x)
            rhs = mp.exp(x) - 1
            for k, v in fixed.items():
                rhs -= v * x**k
            b[i] = rhs
        sol = mp.lu_solve(A, b)
        c = [sol[j] for j in range(m)]
        E = sol[m]
        # local extrema of the error on a grid, refined by golden-section search
        g = [-a + 2 * a * mp.mpf(i) / grid for i in range(grid + 1)]
        ev = [rel_err(fixed, free_pows, c, x) * sg(x) for x in g]
        ext = []
        for i in range(grid + 1):
            left = ev[i - 1] if i > 0 else None
            right = ev[i + 1] if i < grid else None
            v = ev[i]
            if (left is None or abs(v) >= abs(left)) and (right is None or abs(v) >= abs(right)) and v != 0:
                lo = g[max(i - 1, 0)]
                hi = g[min(i + 1, grid)]
                f = lambda t: -abs(rel_err(fixed, free_pows, c, t))
                for _ in range(40):  # golden section on |err|
                    t1 = hi - (hi - lo) / mp.phi
                    t2 = lo + (hi - lo) / mp.phi
                    if f(t1) < f(t2):
                        hi = t2
                    else:
                        lo = t1
                x = (lo + hi) / 2
                ext.append((x, rel_err(fixed, free_pows, c, x) * sg(x)))
        # keep an alternating sequence: in each run of equal sign keep the largest |err|
        alt = []
        for x, v in ext:
            if alt and mp.sign(alt[-1][1]) == mp.sign(v):
                if abs(v) > abs(alt[-1][1]):
                    alt[-1] = (x, v)
            else:
                alt.append((x, v))
        while len(alt) > m + 1:  # drop the smaller end
            if abs(alt[0][1]) < abs(alt[-1][1]):
                alt.pop(0)
            else:
                alt.pop()
        if len(alt) < m + 1:
            raise RuntimeError('Remez: lost alternation (%d points, need %d)' % (len(alt), m + 1))
        xs = [x for x, _ in alt]
        emax = max(abs(v) for _, v in alt)
        if DEBUG: print(it, mp.nstr(E, 6), mp.nstr(emax, 6), len(ext), [mp.nstr(x, 4) for x in xs])
        if emax - abs(E) <= abs(E) * mp.mpf('1e-10'):
            return c, emax
    return c, emax


def max_rel_err(a, coeffs, grid=20000):
    """Max |relative error| of 1 + sum coeffs[k] r^k (exact arithmetic) on [-a, a]."""
    best = mp.mpf(0)
    for i in range(grid + 1):
        r = -a + 2 * a * mp.mpf(i) / grid
        p = mp.mpf(1)
        for k, v in coeffs.items():
            p += mp.mpf(v) * r**k
        e = abs((p - mp.exp(r)) / mp.exp(r))
        if e > best:
            best = e
    return best


def refit_lp(a, fixed, free_pows, c0, grid=2500):
    """Discrete minimax refit of the free coefficients around c0 (a linear program on a grid).

    After some coefficients are rounded, the remaining basis is no longer a Haar system on [-a, a]
    (every r^k vanishes at 0, and the rounded low-order terms leave an error ~ r there), so the
    exchange above does not apply. The problem is linear in the coefficients, so solve it as
    min t s.t. |e0(r_i) + sum_j d_j r_i^j / exp(r_i)| <= t on a dense grid, where e0 is the error
    at c0 computed in 60 digits and scaled to O(1), and d_j are small corrections (HiGHS, in doubles:
    only the corrections are computed in double precision, so the result keeps 60-digit accuracy
    in the base and ~1e-16 relative accuracy in the corrections)."""
    import numpy as np
    from scipy.optimize import linprog
    xs = [-a * mp.cos(mp.pi * mp.mpf(i) / grid) for i in range(grid + 1)]  # Chebyshev-dense ends
    xs += [-a + 2 * a * mp.mpf(i) / grid for i in range(grid + 1)]
    e0 = [rel_err(fixed, free_pows, c0, x) for x in xs]
    scale = max(abs(v) for v in e0)
    E0 = np.array([float(v / scale) for v in e0])
    # columns r^j / exp(r) scaled by a^-j so that corrections d_j * a^j / scale are O(1)
    B = np.array([[float((x / a) ** k / mp.exp(x)) for k in free_pows] for x in xs])
    m = len(free_pows)
    # variables [u_1..u_m, t]: error_i = E0_i + B_i . u ; minimize t subject to -t <= error_i <= t
    A_ub = np.vstack([np.hstack([B, -np.ones((len(xs), 1))]), np.hstack([-B, -np.ones((len(xs), 1))])])
    b_ub = np.concatenate([-E0, E0])
    cost = np.zeros(m + 1)
    cost[-1] = 1
    res = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * m + [(0, None)], method='highs')
    assert res.success, res.message
    return [c0[j] + mp.mpf(res.x[j]) * scale / a ** free_pows[j] for j in range(m)]


def fit_rounded(a, degree, rnd):
    """Remez fit, then the coefficients are rounded one at a time (lowest power first) with the
    remaining ones refit by a discrete minimax LP after each rounding (a poor man's fpminimax)."""
    fixed = {}
    free = list(range(1, degree + 1))
    c, unrounded = remez(a, fixed, free)
    while free:
        k = free.pop(0)
        fixed[k] = mp.mpf(rnd(c[0]))
        c = c[1:]
        if free:
            c = refit_lp(a, fixed, free, c)
    return fixed, unrounded


def main():
    out = sys.stdout.write

    # ---------------- f32 ----------------
    out('== f32 ==\n')
    log2e = f32_exact(1 / LN2)
    out('LOG2E   = %s  bits 0x%08X  (%.9g)\n' % (hex32(log2e), bits32(log2e), log2e))
    hi = f32_exact(mp.mpf(float.fromhex("0x1.62E400p-1")))
    lo = f32_exact(LN2 - mp.mpf(hi))
    out('LN2_HI  = %s  bits 0x%08X  (%.17g)  %d significant bits\n' % (hex32(hi), bits32(hi), hi, sig_bits(hi)))
    out('LN2_LO  = %s  bits 0x%08X  (%.9g)  = f32(ln2 - LN2_HI)\n' % (hex32(lo), bits32(lo), lo))
    assert float.fromhex('0x1.62E400p-1') == hi and abs(LN2 - hi) < mp.mpf(2) ** -16
    assert lo == float.fromhex('0x1.7F7D1Cp-20'), lo.hex()
    # n*hi exact for |n| <= 128: sig_bits(hi) + 8 <= 24
    for n in range(-128, 129):
        assert f32(n * hi) == n * hi
    out('  n*LN2_HI is exact in f32 for all |n| <= 128 (%d + 8 bits <= 24)\n' % sig_bits(hi))
    rest = abs(LN2 - mp.mpf(hi) - mp.mpf(lo))
    out('  |ln2 - (HI+LO)| = %s (relative %s)\n' % (mp.nstr(rest, 3), mp.nstr(rest / LN2, 3)))
    # the FMA split for comparison
    hi_fma = float.fromhex('0x1.62E430p-1')
    out('  (FMA split hi 0x1.62E43p-1 has %d significant bits: n*hi is NOT exact for |n| > %d)\n'
        % (sig_bits(hi_fma), 2 ** (24 - sig_bits(hi_fma))))
    cutoff = f32_exact(mp.log(mp.mpf(2) ** -126))
    out('CUTOFF  = %s  bits 0x%08X  (%.9g)  ~ ln(2^-126), exp below it -> 0\n'
        % (hex32(cutoff), bits32(cutoff), cutoff))
    magic = 1.5 * 2.0**23 + 127
    out('MAGIC   = %s  bits 0x%08X  (%.1f = 1.5*2^23 + 127)\n' % (hex32(magic), bits32(magic), magic))

    # n = rn(rn(x*LOG2E) + MAGIC) - MAGIC: the product is rounded (<= 2^-17 for |x*log2e| <= 128),
    # and LOG2E itself is rounded, so |r| <= ln2 * (1/2 + 2^-16) with room to spare.
    a32 = LN2 * (mp.mpf(0.5) + mp.mpf(2) ** -15)
    coeffs, unrounded = fit_rounded(a32, 5, f32_exact)
    out('degree-5 minimax on [-%s, %s], p(0) = 1:\n' % (mp.nstr(a32, 10), mp.nstr(a32, 10)))
    for k in sorted(coeffs):
        v = float(coeffs[k])
        out('  C%d = %-22s bits 0x%08X  (%.9e)\n' % (k, hex32(v), bits32(v), v))
    out('  approximation error: unrounded %s, rounded coefficients %s (relative; f32 ulp is 2^-23..2^-24)\n'
        % (mp.nstr(unrounded, 4), mp.nstr(max_rel_err(a32, coeffs), 4)))

    # ---------------- f64 ----------------
    out('\n== f64 ==\n')
    log2e = f64(1 / LN2)
    out('LOG2E   = %s  bits 0x%016X  (%.17g)\n' % (log2e.hex(), bits64(log2e), log2e))
    # fdlibm's split: hi keeps the top 32 bits of ln2 (its low 21 mantissa bits are zero)
    hi = float.fromhex('0x1.62e42feep-1')
    lo = f64(LN2 - mp.mpf(hi))
    out('LN2_HI  = %s  bits 0x%016X  (%.17g)  %d significant bits\n' % (hi.hex(), bits64(hi), hi, sig_bits(hi)))
    out('LN2_LO  = %s  bits 0x%016X  (%.17g)  = f64(ln2 - LN2_HI)\n' % (lo.hex(), bits64(lo), lo))
    assert bits64(hi) == 0x3FE62E42FEE00000 and bits64(lo) == 0x3DEA39EF35793C76
    for n in range(-1100, 1101):
        assert mp.mpf(n) * mp.mpf(hi) == mp.mpf(float(mp.mpf(n) * mp.mpf(hi)))
    out('  n*LN2_HI is exact in f64 for all |n| <= 1100 (%d + 11 bits <= 53)\n' % sig_bits(hi))
    rest = abs(LN2 - mp.mpf(hi) - mp.mpf(lo))
    out('  |ln2 - (HI+LO)| = %s (relative %s)\n' % (mp.nstr(rest, 3), mp.nstr(rest / LN2, 3)))
    cutoff = f64(mp.log(mp.mpf(2) ** -1022))
    out('CUTOFF  = %s  bits 0x%016X  (%.17g)  ~ ln(2^-1022)\n' % (cutoff.hex(), bits64(cutoff), cutoff))
    magic = 1.5 * 2.0**52 + 1023
    out('MAGIC   = %s  bits 0x%016X  (%.1f = 1.5*2^52 + 1023)\n' % (magic.hex(), bits64(magic), magic))
    a64 = LN2 * (mp.mpf(0.5) + mp.mpf(2) ** -40)
    for deg in DEGREES64:
        coeffs, unrounded = fit_rounded(a64, deg, f64)
        out('degree-%d minimax on [-a, a], a = ln2*(1/2 + 2^-40), p(0) = 1:\n' % deg)
        for k in sorted(coeffs):
            v = float(coeffs[k])
            out('  C%-2d = %-24s bits 0x%016X  (%.17e)\n' % (k, v.hex(), bits64(v), v))
        out('  approximation error: unrounded %s, rounded coefficients %s (relative; f64 ulp is 2^-52..2^-53)\n'
            % (mp.nstr(unrounded, 4), mp.nstr(max_rel_err(a64, coeffs, 4000), 4)))


if __name__ == '__main__':
    main()
