import { Generator, randn, type Tensor, tensor, tidy, zeros } from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { grad, noGrad, zeroGrad } from '../src/index';

/** A two-hidden-layer tanh MLP trained with SGD (+ momentum) written by hand (no optim package). */
function trainMlp(
  x: Tensor,
  y: Tensor,
  options: { hidden: number; steps: number; lr: number; seed: number; momentum?: number },
): (input: Tensor) => Tensor {
  const g = new Generator(options.seed);
  const inputs = x.shape[1] as number;
  const classes = 2;
  const params = [
    randn([inputs, options.hidden], { generator: g }).mul(Math.sqrt(1 / inputs)),
    zeros([options.hidden]),
    randn([options.hidden, options.hidden], { generator: g }).mul(Math.sqrt(1 / options.hidden)),
    zeros([options.hidden]),
    randn([options.hidden, classes], { generator: g }).mul(Math.sqrt(1 / options.hidden)),
    zeros([classes]),
  ].map((p) => p.requiresGrad_());
  const forward = (input: Tensor) => {
    const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    return input.matmul(w1).add(b1).tanh().matmul(w2).add(b2).tanh().matmul(w3).add(b3);
  };
  const target = y.to('float32');
  const velocity = params.map((p) => zeros(p.shape));
  const momentum = options.momentum ?? 0;
  for (let step = 0; step < options.steps; step++) {
    tidy(() => {
      // Softmax cross-entropy over two classes, written from primitives.
      const logits = forward(x);
      const logProbs = logits.sub(logits.logSumExp(1, true));
      const picked = logProbs
        .slice([null, 1])
        .mul(target)
        .add(logProbs.slice([null, 0]).mul(target.neg().add(1)));
      picked.mean().neg().backward();
    });
    noGrad(() => {
      params.forEach((p, i) => {
        // SGD with (heavy-ball) momentum: v = m v + g; p = p - lr v.
        const v = (velocity[i] as Tensor).mul(momentum).add(p.grad as Tensor);
        (velocity[i] as Tensor).dispose();
        velocity[i] = v;
        const updated = p.sub(v.mul(options.lr));
        const fresh = updated.detach().requiresGrad_();
        params[i] = fresh;
        updated.dispose();
        p.dispose();
      });
    });
    zeroGrad(params);
  }
  return (input: Tensor) => noGrad(() => forward(input).argmax(1));
}

async function accuracy(predict: (x: Tensor) => Tensor, x: Tensor, y: Tensor): Promise<number> {
  const pred = await predict(x).data();
  const truth = await y.data();
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) right++;
  return right / truth.length;
}

function twoSpirals(n: number, seed: number): { x: Tensor; y: Tensor } {
  const g = new Generator(seed);
  const noise = randn([2 * n, 2], { generator: g })
    .mul(0.02)
    .dataSync();
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (i / n) * 3 * Math.PI + 0.5;
    const r = t / (3 * Math.PI);
    for (const c of [0, 1]) {
      const s = c === 0 ? 1 : -1;
      const k = 2 * (i * 2 + c);
      points.push([s * r * Math.cos(t) + (noise[k] as number), s * r * Math.sin(t) + (noise[k + 1] as number)]);
      labels.push(c);
    }
  }
  return { x: tensor(points, { dtype: 'float32' }), y: tensor(labels) };
}

describe('training an MLP with hand-written SGD', () => {
  it('solves XOR', async () => {
    const x = tensor(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      { dtype: 'float32' },
    );
    const y = tensor([0, 1, 1, 0]);
    const predict = trainMlp(x, y, { hidden: 8, steps: 300, lr: 0.5, seed: 1 });
    expect(await accuracy(predict, x, y)).toBe(1);
  });

  it('separates two spirals (>= 99% train accuracy)', async () => {
    const { x, y } = twoSpirals(100, 7);
    const predict = trainMlp(x, y, { hidden: 32, steps: 1500, lr: 0.1, momentum: 0.9, seed: 3 });
    expect(await accuracy(predict, x, y)).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});

describe('TensorFlow.js as an oracle', () => {
  it('matches tf.grads on a function of two inputs', async () => {
    await tf.setBackend('cpu');
    const a = [
      [0.3, -1.2, 0.7],
      [1.5, 0.2, -0.4],
    ];
    const b = [
      [0.5, 1],
      [-0.3, 0.8],
      [1.1, -0.6],
    ];
    const [tfGa, tfGb] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.sigmoid(tf.matMul(tf.tanh(p), q)), tf.exp(tf.sum(q)))),
    )([tf.tensor2d(a), tf.tensor2d(b)]);
    const f = (p: Tensor, q: Tensor) => p.tanh().matmul(q).sigmoid().mul(q.sum().exp()).sum();
    const [ga, gb] = grad(f, { argnums: [0, 1] })(tensor(a, { dtype: 'float32' }), tensor(b, { dtype: 'float32' })) as Tensor[];
    const expectClose = async (ours: Tensor | undefined, theirs: tf.Tensor | undefined) => {
      const o = Array.from(await (ours as Tensor).data());
      const t = Array.from(await (theirs as tf.Tensor).data());
      for (const [i, v] of o.entries()) expect(v).toBeCloseTo(t[i] as number, 4);
    };
    await expectClose(ga, tfGa);
    await expectClose(gb, tfGb);
  });
});
