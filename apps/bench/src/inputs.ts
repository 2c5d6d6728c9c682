/**
 * Benchmark inputs: deterministic pseudo-random float32 values in [-0.5, 0.5)
 * from a tiny LCG. They only need to be the same for every implementation of a
 * case (and from run to run), not statistically good.
 */
export function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}
