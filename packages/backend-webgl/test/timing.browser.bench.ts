/**
 * Timings of the WebGL backend (not part of the test suite: `*.bench.ts` is
 * outside the browser project's test glob). Run by hand:
 *
 *   pnpm vitest bench --run --project browser packages/backend-webgl/test/timing.browser.bench.ts
 *
 * First it prints the compile cost of each kernel family (the gpu.js
 * translation, GLSL compile and link, measured by the kernel cache on each
 * kernel's first call). The benches then time steady-state work: each
 * iteration queues its ops and ends with a synchronous read, so GPU time is
 * included (WebGL calls return before the GPU has run). On a machine without
 * a GPU, Chromium runs WebGL on SwiftShader (a CPU rasterizer): the numbers
 * say what the backend costs there, not what a GPU would do.
 */
import * as S from '@strata/core';
import { bench, describe } from 'vitest';
import { createWebGlBackend } from '../src/index';

const backend = createWebGlBackend();
const cpu = S.createCpuBackend();
S.useBackend(backend);
const gen = () => new S.Generator(7);

function compileCost(label: string, f: () => S.Tensor): string {
  const before = backend.stats();
  const t0 = performance.now();
  const out = f();
  out.dataSync();
  const wall = performance.now() - t0;
  const after = backend.stats();
  out.dispose();
  const ms = after.compileMs - before.compileMs;
  return `${label}: ${after.compiles - before.compiles} kernel(s), ${ms.toFixed(1)} ms compiling (first call ${wall.toFixed(1)} ms)`;
}

const x = S.rand([64, 64], { generator: gen() });
const lines = [
  compileCost('add', () => S.add(x, 1)),
  compileCost('exp (Cephes helper)', () => S.exp(x)),
  compileCost('gelu (erf helper)', () => S.gelu(x)),
  compileCost('sum over an axis', () => S.sum(x, 1)),
  compileCost('sum of 1e5 (3 passes)', () => S.sum(S.ones([100000]))),
  compileCost('matmul', () => S.matmul(x, x)),
  compileCost('softmax (fused)', () => S.softmax(x, 1)),
  compileCost('argsort', () => S.argsort(x, { axis: 1 })),
  compileCost('randn (Philox + Box-Muller)', () => S.randn([64], { generator: gen() })),
  compileCost('conv2d 3x3 (im2col + matmul)', () => S.conv2d(S.rand([1, 3, 16, 16]), S.rand([8, 3, 3, 3]))),
];
console.log(`compile costs (cache: ${JSON.stringify(backend.stats())})\n  ${lines.join('\n  ')}`);

const small = S.rand([16], { generator: gen() });
const big = S.rand([1000, 1000], { generator: gen() });
const host = new Float32Array(1_000_000);
const mats = [256, 512, 1024].map((n) => S.rand([n, n], { generator: gen() }));
const cpuMats = (() => {
  S.useBackend(cpu);
  const m = [256, 512].map((n) => S.rand([n, n], { generator: gen() }));
  S.useBackend(backend);
  return m;
})();
const probe = () => S.zeros([1]).dataSync(); // a 1-element round trip: waits for the GPU

describe('dispatch overhead', () => {
  bench('100 x add on 16 elements, then a 1-element read (per iteration)', () => {
    S.tidy(() => {
      let t = small;
      for (let i = 0; i < 100; i++) t = S.add(t, 1);
      probe();
    });
  });
  bench('a 1-element read (round trip)', () => {
    S.tidy(() => probe());
  });
});

describe('bandwidth-bound ops on 1e6 elements', () => {
  bench('add', () => void S.tidy(() => S.add(big, 1).sum().dataSync()));
  bench('sum (4 passes of chunked reduction)', () => void S.tidy(() => S.sum(big).dataSync()));
  bench('softmax along 1000 (fused)', () => void S.tidy(() => S.softmax(big, 1).sum().dataSync()));
  bench(
    'upload',
    () =>
      void S.tidy(() =>
        S.tensor(host, { shape: [1000, 1000] })
          .sum()
          .dataSync(),
      ),
  );
  bench('sync read (dataSync)', () => {
    big.dataSync();
  });
  bench('async read (data)', async () => {
    await big.data();
  });
});

describe('matmul', () => {
  for (const m of mats) {
    bench(`webgl ${m.shape[0]}²`, () => void S.tidy(() => S.matmul(m, m).sum().dataSync()));
  }
  for (const m of cpuMats) {
    bench(`cpu ${m.shape[0]}² (same run)`, () => {
      S.useBackend(cpu);
      S.tidy(() => S.matmul(m, m).sum().dataSync());
      S.useBackend(backend);
    });
  }
});

describe('the conformance memory loop (25 ops, one tidy)', () => {
  const w = S.randn([16, 16], { generator: gen() });
  const b = S.zeros([16]);
  let acc = S.zeros([4, 16]);
  bench('one iteration', () => {
    const next = S.tidy(() => {
      const x = S.add(acc, S.full([4, 16], 3));
      const y = S.linear(x.tanh(), w, b).relu();
      const z = S.matmul(y.T, y).sum(1, true).mean().sqrt();
      const v = y
        .slice([{ step: 2 }])
        .reshape(-1)
        .expand(3, 32)
        .permute(1, 0)
        .contiguous();
      const m = S.where(S.gt(v, 0.5), v, S.neg(v)).max(0);
      const n = S.maximum(m.sum(), z).log1p().clamp(0, 10);
      return S.mul(y, n).sigmoid().cumsum(1).div(16);
    });
    acc.dispose();
    acc = next;
    probe();
  });
});
