import { arange, Generator, memory, reshape, type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  affine,
  CenterCrop,
  Compose,
  Normalize,
  RandomAffine,
  RandomCrop,
  RandomHorizontalFlip,
  RandomRotation,
  RandomVerticalFlip,
  Resize,
  ToTensor,
  uniforms,
} from '../src/index';

const values = async (t: Tensor) => [...(await t.data())];
/** An h x w (or c x h x w) float image whose pixel value is its flat index. */
const grid = (...shape: number[]) =>
  reshape(
    arange(
      shape.reduce((a, b) => a * b, 1),
      undefined,
      1,
      { dtype: 'float32' },
    ),
    shape,
  );
const close = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, 5);
  });
};

describe('ToTensor', () => {
  it('maps HW arrays to (1, H, W) in [0, 1]', async () => {
    const t = new ToTensor().apply([
      [0, 255],
      [51, 102],
    ]);
    expect(t.shape).toEqual([1, 2, 2]);
    expect(t.dtype).toBe('float32');
    close(await values(t), [0, 1, 0.2, 0.4]);
  });

  it('moves interleaved HWC pixels to CHW planes', async () => {
    // 1 x 2 image, RGB: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60).
    const t = new ToTensor().apply({ data: new Uint8Array([10, 20, 30, 40, 50, 60]), width: 2, height: 1 });
    expect(t.shape).toEqual([3, 1, 2]);
    close(
      await values(t),
      [10, 40, 20, 50, 30, 60].map((v) => v / 255),
    );
    const fromTensor = new ToTensor().apply(
      tensor([
        [
          [10, 20, 30],
          [40, 50, 60],
        ],
      ]),
    );
    close(
      await values(fromTensor),
      [10, 40, 20, 50, 30, 60].map((v) => v / 255),
    );
    const nested = new ToTensor().apply([
      [
        [10, 20, 30],
        [40, 50, 60],
      ],
    ]);
    expect(nested.shape).toEqual([3, 1, 2]);
  });

  it('rejects values outside 0..255 and sizes that do not fit', () => {
    expect(() => new ToTensor().apply([[0, 256]])).toThrow(/must be in 0..255, got 256 at pixel 1/);
    expect(() => new ToTensor().apply({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(
      /5 values do not make a 1x2 image/,
    );
    expect(() => new ToTensor().apply([[1, 2], [3]])).toThrow(/row 1 has 1 pixels/);
  });
});

describe('Normalize', () => {
  it('computes (x - mean[c]) / std[c] per channel, for images and batches', async () => {
    const x = tensor([[[1, 2]], [[3, 5]]], { dtype: 'float32' }); // (2, 1, 2)
    const norm = new Normalize([0.5, 1], [0.5, 2]);
    close(await values(norm.apply(x)), [1, 3, 1, 2]);
    const batch = reshape(x, [1, 2, 1, 2]);
    close(await values(norm.apply(batch)), [1, 3, 1, 2]);
    close(await values(new Normalize(1, 2).apply(tensor([[1, 3]], { dtype: 'float32' }))), [0, 1]);
  });

  it('explains channel mismatches and bad std', () => {
    expect(() => new Normalize([0, 0, 0], [1, 1, 1]).apply(grid(1, 2, 2))).toThrow(/3 means\/stds need an image with 3 channels/);
    expect(() => new Normalize([0], [0])).toThrow(/std\[0\] is 0/);
    expect(() => new Normalize([0], [1]).apply(tensor([[1]]))).toThrow(/needs a float image, got int32/);
  });
});

describe('crops', () => {
  it('RandomCrop takes the window at offsets drawn from the generator', async () => {
    const img = grid(5, 6);
    const expected = uniforms(new Generator(0), 2);
    const top = Math.floor((expected[0] as number) * (5 - 3 + 1));
    const left = Math.floor((expected[1] as number) * (6 - 2 + 1));
    const out = new RandomCrop([3, 2], { seed: 0 }).apply(img);
    expect(out.shape).toEqual([3, 2]);
    const rows = [0, 1, 2].flatMap((r) => [0, 1].map((c) => (top + r) * 6 + left + c));
    expect(await values(out)).toEqual(rows);
  });

  it('RandomCrop pads first, and reaches every offset', async () => {
    const img = tensor(
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      { dtype: 'float32' },
    ); // (1, 2, 2)
    const whole = new RandomCrop(4, { padding: 1, seed: 3 }).apply(img);
    expect(await values(whole)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
    const filled = new RandomCrop(4, { padding: [1, 1], fill: 9, seed: 3 }).apply(img);
    expect((await values(filled))[0]).toBe(9);
    const crop = new RandomCrop(2, { padding: 1, seed: 5 });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { top, left } = crop.sampleOffsets(4, 4);
      seen.add(`${top},${left}`);
    }
    expect(seen.size).toBe(9);
    expect(() => new RandomCrop(3).apply(img)).toThrow(/crop size 3x3 is larger than the \(padded\) image 2x2/);
    expect(new RandomCrop(3, { padIfNeeded: true, seed: 0 }).apply(img).shape).toEqual([1, 3, 3]);
  });

  it('CenterCrop uses torchvision offsets (halves round to even) and pads small images', async () => {
    expect(await values(new CenterCrop(3).apply(grid(5, 5)))).toEqual([6, 7, 8, 11, 12, 13, 16, 17, 18]);
    expect(await values(new CenterCrop(3).apply(grid(4, 4)))).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]); // round(0.5) = 0
    expect(await values(new CenterCrop([1, 1]).apply(grid(6, 6)))).toEqual([14]); // round(2.5) = 2
    expect(
      await values(
        new CenterCrop(4).apply(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: 'float32' },
          ),
        ),
      ),
    ).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });
});

describe('flips', () => {
  it('flip with probability p', async () => {
    const img = grid(2, 3);
    expect(await values(new RandomHorizontalFlip(1, { seed: 0 }).apply(img))).toEqual([2, 1, 0, 5, 4, 3]);
    expect(await values(new RandomVerticalFlip(1, { seed: 0 }).apply(img))).toEqual([3, 4, 5, 0, 1, 2]);
    const kept = new RandomHorizontalFlip(0, { seed: 0 }).apply(img);
    expect(kept).not.toBe(img);
    expect(kept.storage).toBe(img.storage);
    kept.dispose();
    const half = new RandomHorizontalFlip(0.5, { seed: 1 });
    const twin = new Generator(1); // one draw (one Philox block) per call
    const draws = Array.from({ length: 100 }, () => uniforms(twin, 1)[0]);
    let flips = 0;
    for (let i = 0; i < 100; i++) {
      const out = half.apply(img);
      const flipped = (await values(out))[0] === 2;
      expect(flipped).toBe((draws[i] as number) < 0.5);
      if (flipped) flips++;
      out.dispose();
    }
    expect(flips).toBeGreaterThan(30);
    expect(flips).toBeLessThan(70);
  });
});

describe('Resize', () => {
  it('bilinear matches PyTorch (align_corners=False)', async () => {
    const out = new Resize([4, 4]).apply(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float32' },
      ),
    );
    expect(out.shape).toEqual([4, 4]);
    close(await values(out), [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
  });

  it('keeps the aspect ratio for one size, and does nearest', async () => {
    expect(new Resize(2).apply(grid(3, 4, 8)).shape).toEqual([3, 2, 4]);
    expect(new Resize(2).apply(grid(8, 4)).shape).toEqual([4, 2]);
    expect(await values(new Resize([2, 2], { interpolation: 'nearest' }).apply(grid(4, 4)))).toEqual([0, 2, 8, 10]);
    expect(new Resize([5, 5]).apply(grid(2, 3, 4, 4)).shape).toEqual([2, 3, 5, 5]);
  });
});

describe('rotation and affine', () => {
  const img = grid(3, 3); // [[0, 1, 2], [3, 4, 5], [6, 7, 8]]

  it('rotates 90° and 180° counter-clockwise exactly (nearest and bilinear)', async () => {
    expect(await values(affine(img, { angle: 90 }))).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]);
    expect(await values(affine(img, { angle: 180 }))).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    close(await values(affine(img, { angle: 90 }, { interpolation: 'bilinear' })), [2, 5, 8, 1, 4, 7, 0, 3, 6]);
    const even = grid(2, 2); // [[0, 1], [2, 3]]
    expect(await values(affine(even, { angle: 90 }))).toEqual([1, 3, 0, 2]);
  });

  it('translates with fill, scales about the centre, blends bilinearly', async () => {
    expect(await values(affine(img, { translate: [1, 0] }, { fill: -1 }))).toEqual([-1, 0, 1, -1, 3, 4, -1, 6, 7]);
    expect(await values(affine(img, { scale: 3 }))).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4]);
    // Half a pixel to the right: each output is the mean of two neighbours; the first column blends with fill 0.
    close(await values(affine(grid(1, 3), { translate: [0.5, 0] }, { interpolation: 'bilinear' })), [0, 0.5, 1.5]);
    const chw = affine(grid(2, 3, 3), { angle: 90 });
    expect((await values(chw)).slice(9)).toEqual([11, 14, 17, 10, 13, 16, 9, 12, 15]);
  });

  it('RandomRotation draws its angle from the generator', async () => {
    const fixed = new RandomRotation([90, 90], { seed: 0 });
    expect(await values(fixed.apply(img))).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]);
    const random = new RandomRotation(30, { seed: 4 });
    const angle = -30 + 60 * (uniforms(new Generator(4), 1)[0] as number);
    expect(await values(random.apply(grid(5, 5)))).toEqual(await values(affine(grid(5, 5), { angle })));
    expect(() => new RandomRotation([10, -10])).toThrow(/min <= max/);
  });

  it('RandomAffine samples angle, integer shifts and scale in range', () => {
    const t = new RandomAffine(10, { translate: [0.2, 0.1], scale: [0.9, 1.1], seed: 0 });
    for (let i = 0; i < 50; i++) {
      const p = t.sampleParams(20, 30);
      expect(Math.abs(p.angle)).toBeLessThanOrEqual(10);
      expect(Number.isInteger(p.translate[0]) && Math.abs(p.translate[0]) <= 6).toBe(true);
      expect(Number.isInteger(p.translate[1]) && Math.abs(p.translate[1]) <= 2).toBe(true);
      expect(p.scale).toBeGreaterThanOrEqual(0.9);
      expect(p.scale).toBeLessThanOrEqual(1.1);
    }
    expect(t.apply(grid(1, 20, 30)).shape).toEqual([1, 20, 30]);
  });
});

describe('Compose', () => {
  it('chains transforms and frees the intermediates', async () => {
    const pipeline = new Compose([
      new ToTensor(),
      new RandomHorizontalFlip(1, { seed: 0 }),
      new Normalize([0.5], [0.5]),
      (x: Tensor) => x.mul(10),
    ]);
    const before = memory().numTensors;
    const out = pipeline.apply([
      [0, 255],
      [255, 0],
    ]);
    expect(memory().numTensors).toBe(before + 1);
    close(await values(out), [10, -10, -10, 10]);
    out.dispose();
    expect(() => new Compose([] as unknown as [Normalize])).toThrow(/at least one transform/);
  });
});
