/**
 * Chi-square goodness of fit for the sampler suites: the p-value Q(df/2, χ²/2) (the regularized upper
 * incomplete gamma, Lanczos log-gamma) of observed counts against probabilities.
 */
function logGamma(z: number): number {
  // Lanczos (g = 7, n = 9)
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lg = logGamma(a);
  if (x < a + 1) { // series for P
    let sum = 1 / a, term = sum;
    for (let n = 1; n < 1000; n++) { term *= x / (a + n); sum += term; if (term < sum * 1e-16) break; }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  // continued fraction for Q (modified Lentz)
  let b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lg) * h;
}
/** p-value of observed counts against probabilities (cells with p = 0 must have no counts: returns 0 otherwise). */
export function chiSquareP(counts: number[], probs: number[]): { chi2: number; df: number; p: number } {
  const n = counts.reduce((s, v) => s + v, 0);
  let chi2 = 0, df = -1;
  for (let j = 0; j < probs.length; j++) {
    if (probs[j] === 0) { if (counts[j] > 0) return { chi2: Infinity, df: 0, p: 0 }; continue; }
    const e = n * probs[j];
    chi2 += (counts[j] - e) ** 2 / e;
    df++;
  }
  return { chi2, df, p: df === 0 ? 1 : gammaQ(df / 2, chi2 / 2) };
}
