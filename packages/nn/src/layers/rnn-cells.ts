/**
 * Recurrent cells: RNNCell, LSTMCell, GRUCell (one time step), with PyTorch's
 * parameter names (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`), gate
 * orders (LSTM i, f, g, o; GRU r, z, n) and init U(±1/√hiddenSize).
 *
 * The step functions (`rnnStep`, `lstmStep`, `gruStep`) take the input
 * projection `x W_ihᵀ + b_ih` already computed, so the RNN/LSTM/GRU layers can
 * project a whole sequence with one matmul and spend one matmul per step on the
 * hidden state. Each step runs in a `tidy`, so only the new state survives;
 * autograd's graph keeps what backward needs on its own.
 */
import { chunk, linear, relu, sigmoid, type Tensor, tanh, tidy, unsqueeze, zeros } from '@strata/core';
import { Module } from '../module';
import { parameter } from '../parameter';
import { type InitOptions, uniformInit } from './linear';

export type RNNNonlinearity = 'tanh' | 'relu';

/** Hidden and cell state of an LSTM (also what LSTM/LSTMCell return, so it can be fed back). */
export interface LSTMState {
  h: Tensor;
  c: Tensor;
}

/** An LSTM state given as PyTorch's `(h, c)` pair or as `{ h, c }`. */
export type LSTMStateInput = LSTMState | readonly [Tensor, Tensor];

export function lstmStateOf(state: LSTMStateInput): LSTMState {
  return 'h' in state ? state : { h: state[0], c: state[1] };
}

/** Elman step: h' = act(gi + h W_hhᵀ + b_hh). gi (N, H), h (N, H) → (N, H). */
export function rnnStep(
  gi: Tensor,
  h: Tensor,
  weightHh: Tensor,
  biasHh: Tensor | undefined,
  nonlinearity: RNNNonlinearity,
): Tensor {
  return tidy(() => {
    const pre = gi.add(linear(h, weightHh, biasHh));
    return nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
  });
}

/**
 * LSTM step, gates in PyTorch's order i, f, g, o:
 * c' = σ(f) c + σ(i) tanh(g), h' = σ(o) tanh(c'). gi (N, 4H), h and c (N, H).
 */
export function lstmStep(gi: Tensor, state: LSTMState, weightHh: Tensor, biasHh: Tensor | undefined): LSTMState {
  return tidy(() => {
    const gates = gi.add(linear(state.h, weightHh, biasHh));
    const [i, f, g, o] = chunk(gates, 4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const c = sigmoid(f)
      .mul(state.c)
      .add(sigmoid(i).mul(tanh(g)));
    const h = sigmoid(o).mul(tanh(c));
    return { h, c };
  });
}

/**
 * GRU step, gates in PyTorch's order r, z, n:
 * r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r (W_hn h + b_hn)),
 * h' = (1 - z) n + z h. gi (N, 3H), h (N, H).
 */
export function gruStep(gi: Tensor, h: Tensor, weightHh: Tensor, biasHh: Tensor | undefined): Tensor {
  return tidy(() => {
    const gh = linear(h, weightHh, biasHh);
    const [xr, xz, xn] = chunk(gi, 3, -1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = chunk(gh, 3, -1) as [Tensor, Tensor, Tensor];
    const r = sigmoid(xr.add(hr));
    const z = sigmoid(xz.add(hz));
    const n = tanh(xn.add(r.mul(hn)));
    return n.add(z.mul(h.sub(n)));
  });
}

export interface RNNCellBaseOptions extends InitOptions {
  /** Adds the biases `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
}

/** Shared parameters of the cells: `gates` blocks of hiddenSize rows each. */
abstract class RNNCellBase extends Module {
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | undefined;
  bias_hh: Tensor | undefined;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    options: RNNCellBaseOptions,
  ) {
    super();
    const bound = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
    const rows = gates * hiddenSize;
    this.weight_ih = parameter(uniformInit([rows, inputSize], bound, options));
    this.weight_hh = parameter(uniformInit([rows, hiddenSize], bound, options));
    const bias = options.bias ?? true;
    this.bias_ih = bias ? parameter(uniformInit([rows], bound, options)) : undefined;
    this.bias_hh = bias ? parameter(uniformInit([rows], bound, options)) : undefined;
  }

  /**
   * Checks the input (N, inputSize) or unbatched (inputSize) and returns it
   * batched, with `unbatched` set for the caller to squeeze the result.
   */
  protected batched(input: Tensor): { x: Tensor; unbatched: boolean } {
    const op = `${this.typeName}.forward`;
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new RangeError(
        `${op}: expected input (batch, ${this.inputSize}) or unbatched (${this.inputSize}), got [${input.shape.join(', ')}]`,
      );
    }
    return input.ndim === 1 ? { x: unsqueeze(input, 0), unbatched: true } : { x: input, unbatched: false };
  }

  /** The given state batched like x (checked), or zeros. */
  protected stateFor(x: Tensor, unbatched: boolean, state: Tensor | undefined, name: string): Tensor {
    const expected = [x.shape[0] as number, this.hiddenSize];
    if (!state) return zeros(expected, { dtype: x.dtype, backend: x.backend });
    const s = unbatched ? (state.ndim === 1 ? unsqueeze(state, 0) : state) : state;
    if (s.shape.join(',') !== expected.join(',')) {
      throw new RangeError(
        `${this.typeName}.forward: ${name} must have shape [${unbatched ? this.hiddenSize : expected.join(', ')}] to match the input, got [${state.shape.join(', ')}]`,
      );
    }
    return s;
  }

  /** The input projection x W_ihᵀ + b_ih for a step function. */
  protected project(x: Tensor): Tensor {
    return linear(x, this.weight_ih, this.bias_ih);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=False'}`;
  }
}

export interface RNNCellOptions extends RNNCellBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * An Elman RNN cell: h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), act = tanh or relu.
 * Shapes: input (N, inputSize) or (inputSize); hx like the output, (N, hiddenSize)
 * or (hiddenSize), zeros when omitted. weight_ih (hiddenSize, inputSize),
 * weight_hh (hiddenSize, hiddenSize), bias_ih and bias_hh (hiddenSize).
 *
 * @example
 * const cell = new RNNCell(10, 20);
 * let h = cell.forward(x0);    // (3, 10) → (3, 20)
 * h = cell.forward(x1, h);
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 1, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    return tidy(() => {
      const { x, unbatched } = this.batched(input);
      const h = rnnStep(this.project(x), this.stateFor(x, unbatched, hx, 'hx'), this.weight_hh, this.bias_hh, this.nonlinearity);
      return unbatched ? h.squeeze(0) : h;
    });
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`}`;
  }
}

/**
 * A long short-term memory cell (gates i, f, g, o, stacked in that order in
 * the weights' rows, as PyTorch does).
 * Shapes: input (N, inputSize) or (inputSize); state `{ h, c }` or `[h, c]`,
 * each (N, hiddenSize) or (hiddenSize), zeros when omitted; returns `{ h, c }`.
 * weight_ih (4·hiddenSize, inputSize), weight_hh (4·hiddenSize, hiddenSize), biases (4·hiddenSize).
 *
 * @example
 * const cell = new LSTMCell(10, 20);
 * let state = cell.forward(x0);   // { h: (3, 20), c: (3, 20) }
 * state = cell.forward(x1, state);
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, 4, options);
  }

  forward(input: Tensor, state?: LSTMStateInput): LSTMState {
    return tidy(() => {
      const { x, unbatched } = this.batched(input);
      const given = state ? lstmStateOf(state) : undefined;
      const h0 = this.stateFor(x, unbatched, given?.h, 'h');
      const c0 = this.stateFor(x, unbatched, given?.c, 'c');
      const { h, c } = lstmStep(this.project(x), { h: h0, c: c0 }, this.weight_hh, this.bias_hh);
      return unbatched ? { h: h.squeeze(0), c: c.squeeze(0) } : { h, c };
    });
  }
}

/**
 * A gated recurrent unit cell (gates r, z, n in the weights' rows, as PyTorch):
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h.
 * Shapes: input (N, inputSize) or (inputSize); hx (N, hiddenSize) or
 * (hiddenSize), zeros when omitted. weight_ih (3·hiddenSize, inputSize),
 * weight_hh (3·hiddenSize, hiddenSize), biases (3·hiddenSize).
 *
 * @example
 * const cell = new GRUCell(10, 20);
 * const h = cell.forward(x, h0); // (3, 10), (3, 20) → (3, 20)
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, 3, options);
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    return tidy(() => {
      const { x, unbatched } = this.batched(input);
      const h = gruStep(this.project(x), this.stateFor(x, unbatched, hx, 'hx'), this.weight_hh, this.bias_hh);
      return unbatched ? h.squeeze(0) : h;
    });
  }
}
