/**
 * Multi-layer recurrent layers: RNN (Elman, tanh or relu), LSTM and GRU, with
 * PyTorch's semantics, options and parameter names (`weight_ih_l{k}`,
 * `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, `_reverse` for the backward
 * direction), so PyTorch checkpoints load by key.
 *
 * Design: each layer and direction projects the whole sequence with one
 * matmul (x W_ihᵀ + b_ih, (L, N, G·H)), then loops over time with one matmul
 * per step on the hidden state (the step functions of rnn-cells.ts). All of it
 * is composed from core ops, so autograd differentiates it (backprop through
 * time) without a rule of its own; each step runs in a tidy and the whole
 * forward in another, so only the outputs and final states survive.
 * forward returns `{ output, h }` (`{ output, h, c }` for LSTM) rather than
 * PyTorch's tuples: named, typed, and an LSTM result can be passed back as the
 * next call's state.
 */
import { cat, dropout, type Generator, linear, stack, type Tensor, tidy, transpose, unsqueeze, zeros } from '@strata/core';
import { Module } from '../module';
import { parameter } from '../parameter';
import { uniformInit } from './linear';
import { gruStep, type LSTMState, type LSTMStateInput, lstmStateOf, lstmStep, type RNNNonlinearity, rnnStep } from './rnn-cells';

export interface RNNBaseOptions {
  /** Stacked recurrent layers; layer k > 0 reads layer k - 1's output sequence (default 1). */
  numLayers?: number;
  /** Adds `bias_ih_l{k}` and `bias_hh_l{k}` (default true). */
  bias?: boolean;
  /** Input and output are (N, L, features) instead of (L, N, features) (default false). States stay (D·numLayers, N, H). */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training mode only (default 0). */
  dropout?: number;
  /** Adds a reverse-direction pass per layer; outputs concatenate both directions (default false). */
  bidirectional?: boolean;
  /** Generator for the initial weights and the dropout masks (default: core's default generator). */
  generator?: Generator;
}

export interface RNNOptions extends RNNBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: RNNNonlinearity;
}

/** What RNN and GRU return. */
export interface RNNResult {
  /** (L, N, D·H), (N, L, D·H) with batchFirst, or (L, D·H) unbatched: the last layer's h at every step. */
  output: Tensor;
  /** (D·numLayers, N, H), or (D·numLayers, H) unbatched: every layer's and direction's final hidden state. */
  h: Tensor;
}

/** What LSTM returns: RNNResult plus the final cell states c, shaped like h. */
export interface LSTMResult extends RNNResult {
  c: Tensor;
}

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const gatesOf: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** One layer-direction's weights, looked up by name at each forward (so `to()` and `loadStateDict` are seen). */
interface LayerWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | undefined;
  biasHh: Tensor | undefined;
}

/** Hidden states (and cell states for LSTM) of every layer-direction, as (N, H) each. */
interface Carry {
  h: Tensor[];
  c: Tensor[] | undefined;
}

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly #mode: Mode;
  readonly #generator: Generator | undefined;

  constructor(
    mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNBaseOptions,
  ) {
    super();
    this.#mode = mode;
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    this.#generator = options.generator;
    const op = `${this.typeName}`;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1)
      throw new RangeError(`${op}: numLayers must be a positive integer, got ${this.numLayers}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize < 1)
      throw new RangeError(`${op}: hiddenSize must be a positive integer, got ${hiddenSize}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`${op}: dropout must be in [0, 1], got ${this.dropout}`);

    // Insertion order is stateDict order, which is PyTorch's: per layer, per direction, w_ih, w_hh, b_ih, b_hh.
    const bound = 1 / Math.sqrt(hiddenSize);
    const rows = gatesOf[mode] * hiddenSize;
    const init = options.generator ? { generator: options.generator } : {};
    const own = this as unknown as Record<string, Tensor>;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : hiddenSize * this.directions;
      for (let direction = 0; direction < this.directions; direction++) {
        const suffix = this.#suffix(layer, direction);
        own[`weight_ih${suffix}`] = parameter(uniformInit([rows, layerInput], bound, init));
        own[`weight_hh${suffix}`] = parameter(uniformInit([rows, hiddenSize], bound, init));
        if (this.bias) {
          own[`bias_ih${suffix}`] = parameter(uniformInit([rows], bound, init));
          own[`bias_hh${suffix}`] = parameter(uniformInit([rows], bound, init));
        }
      }
    }
  }

  /** D: 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** PyTorch's flat weight names, in stateDict order (`weight_ih_l0`, ..., `bias_hh_l1_reverse`). */
  get flatWeightNames(): string[] {
    const names: string[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let direction = 0; direction < this.directions; direction++) {
        const suffix = this.#suffix(layer, direction);
        names.push(`weight_ih${suffix}`, `weight_hh${suffix}`);
        if (this.bias) names.push(`bias_ih${suffix}`, `bias_hh${suffix}`);
      }
    }
    return names;
  }

  /** The parameters per layer-direction, `[weight_ih, weight_hh, bias_ih?, bias_hh?]` (PyTorch's `all_weights`). */
  get allWeights(): Tensor[][] {
    const own = this as unknown as Record<string, Tensor>;
    const names = this.flatWeightNames;
    const perSlot = this.bias ? 4 : 2;
    return Array.from({ length: names.length / perSlot }, (_, i) =>
      names.slice(i * perSlot, (i + 1) * perSlot).map((name) => own[name] as Tensor),
    );
  }

  #suffix(layer: number, direction: number): string {
    return `_l${layer}${direction === 1 ? '_reverse' : ''}`;
  }

  #weights(layer: number, direction: number): LayerWeights {
    const own = this as unknown as Record<string, Tensor | undefined>;
    const suffix = this.#suffix(layer, direction);
    return {
      weightIh: own[`weight_ih${suffix}`] as Tensor,
      weightHh: own[`weight_hh${suffix}`] as Tensor,
      biasIh: own[`bias_ih${suffix}`],
      biasHh: own[`bias_hh${suffix}`],
    };
  }

  /** Runs one direction of one layer over x (L, N, in) from the carried state at `slot`, writing the final state back. */
  #runDirection(x: Tensor, w: LayerWeights, carry: Carry, slot: number, reverse: boolean): Tensor {
    const steps = x.shape[0] as number;
    const projected = linear(x, w.weightIh, w.biasIh); // (L, N, G·H), one matmul for every step
    const outputs: Tensor[] = new Array(steps);
    let h = carry.h[slot] as Tensor;
    let c = carry.c?.[slot];
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      const gi = projected.slice([t]); // (N, G·H)
      if (this.#mode === 'LSTM') {
        const next = lstmStep(gi, { h, c: c as Tensor }, w.weightHh, w.biasHh);
        h = next.h;
        c = next.c;
      } else if (this.#mode === 'GRU') {
        h = gruStep(gi, h, w.weightHh, w.biasHh);
      } else {
        h = rnnStep(gi, h, w.weightHh, w.biasHh, this.#mode === 'RNN_TANH' ? 'tanh' : 'relu');
      }
      gi.dispose();
      outputs[t] = h;
    }
    projected.dispose();
    carry.h[slot] = h;
    if (carry.c && c) carry.c[slot] = c;
    return stack(outputs, 0); // (L, N, H)
  }

  /**
   * The shared forward: checks shapes, moves to (L, N, features), runs every
   * layer and direction, and moves back. `h0`/`c0` are (D·numLayers, N, H) or
   * (D·numLayers, H) unbatched.
   */
  protected run(input: Tensor, h0: Tensor | undefined, c0: Tensor | undefined): LSTMResult | RNNResult {
    const op = `${this.typeName}.forward`;
    const D = this.directions;
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== this.inputSize) {
      const layout = this.batchFirst ? '(N, L, inputSize)' : '(L, N, inputSize)';
      throw new RangeError(
        `${op}: expected input ${layout} or unbatched (L, inputSize) with inputSize ${this.inputSize}, got [${input.shape.join(', ')}]`,
      );
    }
    const unbatched = input.ndim === 2;
    return tidy(() => {
      let x = unbatched ? unsqueeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input; // (L, N, in)
      const batch = x.shape[1] as number;
      const stateShape = [D * this.numLayers, batch, this.hiddenSize];
      const initial = (state: Tensor | undefined, name: string): Tensor[] => {
        if (!state)
          return Array.from({ length: D * this.numLayers }, () =>
            zeros([batch, this.hiddenSize], { dtype: x.dtype, backend: x.backend }),
          );
        const expected = unbatched ? [D * this.numLayers, this.hiddenSize] : stateShape;
        if (state.shape.join(',') !== expected.join(',')) {
          throw new RangeError(
            `${op}: ${name} must have shape [${expected.join(', ')}] (D·numLayers, ${unbatched ? '' : 'batch, '}hiddenSize) for this input, got [${state.shape.join(', ')}]`,
          );
        }
        const batched = unbatched ? unsqueeze(state, 1) : state;
        return Array.from({ length: D * this.numLayers }, (_, i) => batched.slice([i]));
      };
      const carry: Carry = { h: initial(h0, 'h0'), c: this.#mode === 'LSTM' ? initial(c0, 'c0') : undefined };

      for (let layer = 0; layer < this.numLayers; layer++) {
        const directions: Tensor[] = [];
        for (let d = 0; d < D; d++)
          directions.push(this.#runDirection(x, this.#weights(layer, d), carry, layer * D + d, d === 1));
        x = D === 1 ? (directions[0] as Tensor) : cat(directions, 2); // (L, N, D·H)
        if (this.training && this.dropout > 0 && layer < this.numLayers - 1) {
          x = dropout(x, { p: this.dropout, ...(this.#generator ? { generator: this.#generator } : {}) });
        }
      }

      const finalState = (states: Tensor[]) => {
        const s = stack(states, 0); // (D·numLayers, N, H)
        return unbatched ? s.squeeze(1) : s;
      };
      const output = unbatched ? x.squeeze(1) : this.batchFirst ? transpose(x, 0, 1) : x;
      const h = finalState(carry.h);
      return carry.c ? { output, h, c: finalState(carry.c) } : { output, h };
    });
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/**
 * A multi-layer Elman RNN: h_t = act(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh), act = tanh or relu.
 * Shapes (D = 2 if bidirectional else 1): input (L, N, inputSize), (N, L, inputSize) with
 * batchFirst, or unbatched (L, inputSize); h0 (D·numLayers, N, hiddenSize) or
 * (D·numLayers, hiddenSize), zeros when omitted. Returns `{ output, h }`: output
 * (L, N, D·hiddenSize) (batchFirst: (N, L, D·hiddenSize)), h the final states, shaped like h0.
 * Parameters: weight_ih_l{k}[_reverse] (hiddenSize, inputSize for k = 0 else D·hiddenSize),
 * weight_hh_l{k}[_reverse] (hiddenSize, hiddenSize), bias_ih_l{k}[_reverse], bias_hh_l{k}[_reverse] (hiddenSize).
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const { output, h } = rnn.forward(x, h0); // x (5, 3, 10), h0 (2, 3, 20) → output (5, 3, 20), h (2, 3, 20)
 */
export class RNN extends RNNBase {
  readonly nonlinearity: RNNNonlinearity;

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
      throw new RangeError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  forward(input: Tensor, h0?: Tensor): RNNResult {
    return this.run(input, h0, undefined);
  }
}

/**
 * A multi-layer LSTM (gates i, f, g, o, stacked in that order in the weights' rows, as PyTorch):
 * c_t = σ(f) c_{t-1} + σ(i) tanh(g), h_t = σ(o) tanh(c_t).
 * Shapes (D = 2 if bidirectional else 1): input (L, N, inputSize), (N, L, inputSize) with
 * batchFirst, or unbatched (L, inputSize); state `{ h, c }` or `[h0, c0]`, each
 * (D·numLayers, N, hiddenSize) or (D·numLayers, hiddenSize), zeros when omitted.
 * Returns `{ output, h, c }`: output (L, N, D·hiddenSize) (batchFirst: (N, L, D·hiddenSize)),
 * h and c the final states. Parameters as RNN's with 4·hiddenSize rows.
 *
 * @example
 * const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true });
 * const { output, h, c } = lstm.forward(x); // x (5, 3, 10) → output (5, 3, 40), h and c (4, 3, 20)
 * const next = lstm.forward(x2, { h, c });  // continue from the final state
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, state?: LSTMStateInput): LSTMResult {
    const given: LSTMState | undefined = state ? lstmStateOf(state) : undefined;
    return this.run(input, given?.h, given?.c) as LSTMResult;
  }
}

/**
 * A multi-layer GRU (gates r, z, n in the weights' rows, as PyTorch):
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h_t = (1 - z) n + z h_{t-1}.
 * Shapes as RNN's; parameters as RNN's with 3·hiddenSize rows. Returns `{ output, h }`.
 *
 * @example
 * const gru = new GRU(10, 20, { batchFirst: true });
 * const { output, h } = gru.forward(x); // x (3, 5, 10) → output (3, 5, 20), h (1, 3, 20)
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, h0?: Tensor): RNNResult {
    return this.run(input, h0, undefined);
  }
}
