/**
 * Weight initialisers, like `torch.nn.init`: each fills a tensor in place of
 * identity (`assign` under noGrad, so parameters keep their handles and
 * optimizers their references) and returns it. Random ones take an optional
 * `generator` for reproducible draws. Fans and gains follow PyTorch's
 * `_calculate_fan_in_and_fan_out` and `calculate_gain`.
 *
 * orthogonal_ and truncNormal_ compute on the host (QR by Gram-Schmidt, an
 * inverse normal CDF), drawing their random numbers on a CPU backend: a
 * Generator's stream depends only on its seed and the draws made, so the
 * values are the same whatever backend the tensor lives on.
 *
 * @example
 * init.kaimingNormal_(conv.weight, { mode: 'fanOut', nonlinearity: 'relu' });
 * init.zeros_(conv.bias);
 * init.orthogonal_(rnn.weight_hh_l0, 1, { generator: new Generator(0) });
 */
import { noGrad } from '@strata/autograd';
import { type Backend, createCpuBackend, full, rand, randn, type Tensor, tensor, tidy } from '@strata/core';
import type { InitOptions } from './linear';

/** Nonlinearities calculateGain knows, with PyTorch's names. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const unitGain: readonly string[] = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
];

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 *
 * @example
 * calculateGain('leaky_relu', 0.2); // √(2 / 1.04) ≈ 1.3868
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (unitGain.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new RangeError(`calculateGain: negative slope ${String(param)} is not a valid number`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * fanIn = shape[1] * receptive field, fanOut = shape[0] * receptive field, where the receptive
 * field is the product of the dims after the first two (a Linear weight (out, in) has fanIn = in;
 * a Conv2d weight (out, in / groups, kH, kW) has fanIn = in / groups * kH * kW).
 */
export function calculateFanInAndFanOut(t: Tensor | readonly number[]): { fanIn: number; fanOut: number } {
  const shape = Array.isArray(t) ? (t as readonly number[]) : (t as Tensor).shape;
  if (shape.length < 2) {
    throw new RangeError(
      `calculateFanInAndFanOut: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${shape.join(', ')}])`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (shape[1] as number) * receptive, fanOut: (shape[0] as number) * receptive };
}

/** Writes make()'s values into t, in place of identity and outside the graph. */
function fillWith(t: Tensor, make: () => Tensor): Tensor {
  noGrad(() =>
    tidy(() => {
      const value = make();
      t.assign(value.dtype === t.dtype ? value : value.to(t.dtype));
    }),
  );
  return t;
}

const gen = (options: InitOptions) => (options.generator ? { generator: options.generator } : {});

/** Fills with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  return fillWith(t, () =>
    rand(t.shape, { backend: t.backend, ...gen(options) })
      .mul(b - a)
      .add(a),
  );
}

/** Fills with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  return fillWith(t, () =>
    randn(t.shape, { backend: t.backend, ...gen(options) })
      .mul(std)
      .add(mean),
  );
}

/** Fills with a constant. */
export function constant_(t: Tensor, value: number): Tensor {
  return fillWith(t, () => full(t.shape, value, { dtype: t.dtype, backend: t.backend }));
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Glorot uniform: U(±gain · √(6 / (fanIn + fanOut))). */
export function xavierUniform_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const bound = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, options);
}

/** Glorot normal: N(0, std²) with std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky_relu that follows (default 0). */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', default) or of the backward pass ('fanOut'). */
  mode?: 'fanIn' | 'fanOut';
  /** Default 'leaky_relu' (with slope `a`; a = 0 gives relu's gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut')
    throw new RangeError(`kaiming: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/** He uniform: U(±√3 · gain / √fan). PyTorch's Linear/Conv default is this with a = √5, i.e. U(±1/√fanIn). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.size === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options);
}

/** He normal: N(0, (gain / √fan)²). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.size === 0) return t;
  return normal_(t, 0, kaimingStd(t, options), options);
}

let hostCpu: Backend | undefined;
/**
 * Where host-side initialisers draw their random numbers. Backends are used type-erased
 * (`Backend<object>`), as core's registry stores them: tensors never mix storage across backends.
 */
function hostBackend(t: Tensor): Backend {
  if (t.backend.name === 'cpu') return t.backend;
  hostCpu ??= createCpuBackend() as unknown as Backend;
  return hostCpu;
}

function hostDraw(t: Tensor, kind: 'uniform' | 'normal', shape: number[], options: InitOptions): Float64Array {
  const draw = (kind === 'uniform' ? rand : randn)(shape, { backend: hostBackend(t), ...gen(options) });
  const values = Float64Array.from(draw.dataSync());
  draw.dispose();
  return values;
}

const upload = (t: Tensor, values: ArrayLike<number>): Tensor =>
  fillWith(t, () => tensor(Float32Array.from(values), { shape: t.shape, backend: t.backend }));

/**
 * Fills with a (semi-)orthogonal matrix times `gain`: the tensor viewed as (shape[0], rest) has
 * orthonormal rows (when rows ≤ cols) or columns. Q of the QR of a standard normal matrix, with
 * R's diagonal made positive, as PyTorch does.
 */
export function orthogonal_(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  if (t.ndim < 2)
    throw new RangeError(`orthogonal_: only tensors with 2 or more dimensions are supported, got shape [${t.shape.join(', ')}]`);
  if (t.size === 0) return t;
  const rows = t.shape[0] as number;
  const cols = t.size / rows;
  const a = hostDraw(t, 'normal', [rows, cols], options);
  // Work on the tall orientation (m >= n), column by column: column j of the (m, n) matrix.
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const column = (j: number) =>
    Float64Array.from({ length: m }, (_, i) => (rows < cols ? a[j * cols + i] : a[i * cols + j]) as number);
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = column(j);
    // Modified Gram-Schmidt, twice ("twice is enough") for orthogonality to rounding.
    for (let pass = 0; pass < 2; pass++) {
      for (const qi of q) {
        let r = 0;
        for (let i = 0; i < m; i++) r += (qi[i] as number) * (v[i] as number);
        for (let i = 0; i < m; i++) v[i] = (v[i] as number) - r * (qi[i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] = (v[i] as number) / norm;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Tall: out[r][c] = Q[r][c]; wide: out = Qᵀ, out[r][c] = Q[c][r].
      out[r * cols + c] = gain * (rows < cols ? ((q[r] as Float64Array)[c] as number) : ((q[c] as Float64Array)[r] as number));
    }
  }
  return upload(t, out);
}

export interface TruncNormalOptions extends InitOptions {
  mean?: number;
  std?: number;
  /** Lower cutoff (default -2), in the tensor's units (not standard deviations). */
  a?: number;
  /** Upper cutoff (default 2). */
  b?: number;
}

/** Standard normal CDF, from erfc (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    ((((((c[0] as number) * q + (c[1] as number)) * q + (c[2] as number)) * q + (c[3] as number)) * q + (c[4] as number)) * q +
      (c[5] as number)) /
    (((((d[0] as number) * q + (d[1] as number)) * q + (d[2] as number)) * q + (d[3] as number)) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    (((((((a[0] as number) * r + (a[1] as number)) * r + (a[2] as number)) * r + (a[3] as number)) * r + (a[4] as number)) * r +
      (a[5] as number)) *
      q) /
    ((((((b[0] as number) * r + (b[1] as number)) * r + (b[2] as number)) * r + (b[3] as number)) * r + (b[4] as number)) * r + 1)
  );
}

/**
 * Fills with N(mean, std²) truncated to [a, b] (in the tensor's units), by the inverse CDF of a
 * uniform draw between the cutoffs' CDFs, as PyTorch's trunc_normal_ does.
 */
export function truncNormal_(t: Tensor, options: TruncNormalOptions = {}): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  if (!(std > 0) || !(a < b)) throw new RangeError(`truncNormal_: need std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  const lo = normalCdf((a - mean) / std);
  const hi = normalCdf((b - mean) / std);
  const u = hostDraw(t, 'uniform', [t.size], options);
  for (let i = 0; i < u.length; i++) {
    const p = Math.min(Math.max(lo + (u[i] as number) * (hi - lo), Number.MIN_VALUE), 1 - Number.EPSILON / 2);
    u[i] = Math.min(Math.max(mean + std * normalQuantile(p), a), b);
  }
  return upload(t, u);
}
