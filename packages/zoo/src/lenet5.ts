/**
 * LeNet-5 for 28×28 grayscale digits (MNIST).
 *
 * References:
 * - Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied
 *   to document recognition", Proc. IEEE 86(11), 1998 — the original network on
 *   32×32 inputs (here: 28×28 padded by 2 in the first convolution).
 * - The PyTorch tutorials' LeNet naming (conv1, conv2, fc1, fc2, fc3), which the
 *   parameter names follow, so a PyTorch state dict with those keys loads as is.
 *
 * Variants: 'modern' (default) uses ReLU and max-pooling; 'classic' uses tanh
 * and average pooling, as in the paper (without its sparse C3 connection table
 * and RBF output layer, which no framework reproduces).
 */
import { type Generator, type Tensor, tidy } from '@strata/core';
import { AvgPool2d, Conv2d, Linear, MaxPool2d, Module, ReLU, Tanh, type UnaryModule } from '@strata/nn';

export interface LeNet5Config {
  /** 'modern': ReLU + max-pool (default); 'classic': tanh + average pool. */
  variant?: 'modern' | 'classic';
  numClasses?: number;
  /** Generator for the initial weights. */
  generator?: Generator;
}

export class LeNet5 extends Module {
  readonly variant: 'modern' | 'classic';
  conv1: Conv2d;
  conv2: Conv2d;
  fc1: Linear;
  fc2: Linear;
  fc3: Linear;
  readonly #act: UnaryModule;
  readonly #pool: UnaryModule;

  constructor(config: LeNet5Config = {}) {
    super();
    this.variant = config.variant ?? 'modern';
    const init = config.generator ? { generator: config.generator } : {};
    this.conv1 = new Conv2d(1, 6, 5, { padding: 2, ...init }); // (N, 1, 28, 28) → (N, 6, 28, 28)
    this.conv2 = new Conv2d(6, 16, 5, init); // (N, 6, 14, 14) → (N, 16, 10, 10)
    this.fc1 = new Linear(16 * 5 * 5, 120, init); // (N, 400) → (N, 120)
    this.fc2 = new Linear(120, 84, init);
    this.fc3 = new Linear(84, config.numClasses ?? 10, init);
    this.#act = this.variant === 'modern' ? new ReLU() : new Tanh();
    this.#pool = this.variant === 'modern' ? new MaxPool2d(2) : new AvgPool2d(2);
  }

  /** (N, 1, 28, 28) → logits (N, numClasses). */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const act = (t: Tensor) => this.#act.forward(t);
      let h = this.#pool.forward(act(this.conv1.forward(x))); // (N, 6, 14, 14)
      h = this.#pool.forward(act(this.conv2.forward(h))); // (N, 16, 5, 5)
      h = h.flatten(1); // (N, 400)
      h = act(this.fc1.forward(h)); // (N, 120)
      h = act(this.fc2.forward(h)); // (N, 84)
      return this.fc3.forward(h); // (N, numClasses)
    });
  }

  override extraRepr(): string {
    return `variant='${this.variant}'`;
  }
}
