/**
 * Small seeded 2-d classification sets for tests, demos and tutorials. Every
 * generator returns `{ x, y }`: x (n, 2) float32 points and y (n) int32
 * labels, with sample i in class `i % numClasses` (so classes are balanced
 * and interleaved). Randomness comes from `generator` (or a fresh one for
 * `seed`; default: core's default generator).
 *
 * @example
 * const { x, y } = twoSpirals(200, { noise: 0.05, seed: 0 });
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 */
import { fromStorageArray, type Tensor } from '@strata/core';
import { normals, type RandomSource, resolveGenerator, uniforms } from './random';

export interface Synthetic {
  /** (n, 2) float32 */
  x: Tensor;
  /** (n) int32 */
  y: Tensor;
}

export interface NoiseOptions extends RandomSource {
  /** Standard deviation of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
}

function checkN(n: number, where: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${where}: n must be a non-negative integer, got ${n}`);
}

function checkNoise(noise: number, where: string): void {
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new RangeError(`${where}: noise must be finite and >= 0, got ${noise}`);
}

/** Packs host points and labels, adding `noise` * N(0, 1) to every coordinate. */
function pack(points: Float64Array, labels: Int32Array, noise: number, source: RandomSource, where: string): Synthetic {
  checkNoise(noise, where);
  const x = Float32Array.from(points);
  if (noise > 0) {
    const eps = normals(resolveGenerator(source, where), points.length);
    for (let i = 0; i < x.length; i++) x[i] = (points[i] as number) + noise * (eps[i] as number);
  }
  const n = labels.length;
  return { x: fromStorageArray(x, [n, 2], 'float32'), y: fromStorageArray(labels, [n], 'int32') };
}

/**
 * Two interleaved spirals (classes 0 and 1) turning `turns` times (default 1.5)
 * from the origin out to radius 1; positions along each arm are uniform random.
 *
 * @example
 * const { x, y } = twoSpirals(400, { noise: 0.02, turns: 2, seed: 1 });
 */
export function twoSpirals(n: number, options: NoiseOptions & { turns?: number } = {}): Synthetic {
  checkN(n, 'twoSpirals');
  const turns = options.turns ?? 1.5;
  if (!(turns > 0) || !Number.isFinite(turns)) throw new RangeError(`twoSpirals: turns must be positive, got ${turns}`);
  const g = resolveGenerator(options, 'twoSpirals');
  const u = uniforms(g, n);
  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const r = Math.sqrt(u[i] as number); // denser toward the rim, like the classic set
    const angle = r * turns * 2 * Math.PI + c * Math.PI;
    points[2 * i] = r * Math.cos(angle);
    points[2 * i + 1] = r * Math.sin(angle);
    labels[i] = c;
  }
  return pack(points, labels, options.noise ?? 0, { generator: g }, 'twoSpirals');
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 is the
 * upper arc (cos t, sin t), class 1 the lower (1 - cos t, 0.5 - sin t), with t
 * evenly spaced over [0, π] within each class.
 *
 * @example
 * const { x, y } = moons(200, { noise: 0.1, seed: 0 });
 */
export function moons(n: number, options: NoiseOptions = {}): Synthetic {
  checkN(n, 'moons');
  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  const perClass = [Math.ceil(n / 2), Math.floor(n / 2)];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const k = Math.floor(i / 2);
    const m = perClass[c] as number;
    const t = m > 1 ? (Math.PI * k) / (m - 1) : 0;
    points[2 * i] = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    points[2 * i + 1] = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    labels[i] = c;
  }
  return pack(points, labels, options.noise ?? 0, { generator: resolveGenerator(options, 'moons') }, 'moons');
}

/**
 * The XOR problem: points uniform in the four unit quadrants around the
 * origin (cycling through them), label 1 where exactly one coordinate is
 * negative. Quadrants alternate, so classes are balanced.
 *
 * @example
 * const { x, y } = xor(100, { seed: 0 }); // y[i] = (x0 < 0) !== (x1 < 0)
 */
export function xor(n: number, options: NoiseOptions = {}): Synthetic {
  checkN(n, 'xor');
  const g = resolveGenerator(options, 'xor');
  const u = uniforms(g, 2 * n);
  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  const signs = [
    [1, 1],
    [1, -1],
    [-1, -1],
    [-1, 1],
  ] as const;
  for (let i = 0; i < n; i++) {
    const [sx, sy] = signs[i % 4] as readonly [number, number];
    // 1 - u is in (0, 1], so no point sits on an axis and the label is unambiguous.
    points[2 * i] = sx * (1 - (u[2 * i] as number));
    points[2 * i + 1] = sy * (1 - (u[2 * i + 1] as number));
    labels[i] = sx !== sy ? 1 : 0;
  }
  return pack(points, labels, options.noise ?? 0, { generator: g }, 'xor');
}

export interface BlobsOptions extends RandomSource {
  /** The class centres, or how many to draw uniformly in [-10, 10]² (default 3). */
  centers?: number | readonly (readonly [number, number])[];
  /** Standard deviation around each centre (default 1). */
  std?: number;
}

/**
 * Isotropic Gaussian blobs (scikit-learn's make_blobs): sample i is drawn
 * around centre `i % numCenters` with standard deviation `std`.
 *
 * @example
 * const { x, y } = gaussianBlobs(300, { centers: [[-2, 0], [2, 0], [0, 3]], std: 0.5, seed: 0 });
 */
export function gaussianBlobs(n: number, options: BlobsOptions = {}): Synthetic {
  checkN(n, 'gaussianBlobs');
  const std = options.std ?? 1;
  checkNoise(std, 'gaussianBlobs (std)');
  const g = resolveGenerator(options, 'gaussianBlobs');
  const spec = options.centers ?? 3;
  let centers: (readonly [number, number])[];
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1)
      throw new RangeError(`gaussianBlobs: centers must be a positive integer, got ${spec}`);
    const u = uniforms(g, 2 * spec);
    centers = Array.from(
      { length: spec },
      (_, k) => [20 * (u[2 * k] as number) - 10, 20 * (u[2 * k + 1] as number) - 10] as const,
    );
  } else {
    if (spec.length === 0) throw new RangeError('gaussianBlobs: centers must not be empty');
    centers = spec.map((c, k) => {
      if (c.length !== 2 || !c.every(Number.isFinite))
        throw new RangeError(`gaussianBlobs: centre ${k} must be two finite numbers`);
      return c;
    });
  }
  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centers.length;
    const [cx, cy] = centers[c] as readonly [number, number];
    points[2 * i] = cx;
    points[2 * i + 1] = cy;
    labels[i] = c;
  }
  return pack(points, labels, std, { generator: g }, 'gaussianBlobs');
}
