/**
 * Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11): a counter-based generator. Output block c under key k is a pure
 * function of (k, c), so any backend can compute element i independently and
 * the same seed gives the same stream everywhere. Only 32-bit integer ops are
 * needed (the 32x32→64 multiply is split into 16-bit halves), which WGSL and
 * GLSL can express too.
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the unsigned 64-bit product a*b. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo + (lolo >>> 16);
  const mid2 = aLo * bHi + (mid1 & 0xffff);
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

/**
 * Writes the 4 output words of block `counter` (a 64-bit counter given as two
 * 32-bit halves; the upper two counter words are 0) under `key` into `out`.
 */
export function philox4x32(key0: number, key1: number, ctrLo: number, ctrHi: number, out: Uint32Array): void {
  let c0 = ctrLo >>> 0;
  let c1 = ctrHi >>> 0;
  let c2 = 0;
  let c3 = 0;
  let k0 = key0 >>> 0;
  let k1 = key1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** uint32 → float32 in [0, 1): the top 24 bits, so every value is exact in float32. */
export function bitsToUniform(bits: number): number {
  return (bits >>> 8) * 2 ** -24;
}

/** uint32 → (0, 1]: never 0, so log() in Box–Muller stays finite. */
export function bitsToUniformOpenZero(bits: number): number {
  return ((bits >>> 8) + 1) * 2 ** -24;
}

/**
 * Element i of a `normal` stream: block i/4, and within it the Box–Muller pair
 * (words 0,1 or 2,3); even i takes the cosine branch, odd i the sine branch.
 */
export function boxMuller(u1Bits: number, u2Bits: number, sine: boolean): number {
  const r = Math.sqrt(-2 * Math.log(bitsToUniformOpenZero(u1Bits)));
  const theta = 2 * Math.PI * bitsToUniform(u2Bits);
  return r * (sine ? Math.sin(theta) : Math.cos(theta));
}
