import { memory, type Tensor, tensor } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { CharDataset, CharTokenizer, DataLoader } from '../src/index';

const values = async (t: Tensor) => [...(await t.data())];

describe('CharTokenizer', () => {
  it('has a sorted vocabulary and round-trips text', () => {
    const tok = CharTokenizer.fromText('hello world');
    expect(tok.vocab).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(tok.vocabSize).toBe(8);
    expect([...tok.encode('hold')]).toEqual([3, 5, 4, 1]);
    expect(tok.decode(tok.encode('hello world'))).toBe('hello world');
    const t = tensor([3, 2, 4, 4, 5]);
    expect(tok.decode(t)).toBe('hello');
    t.dispose();
  });

  it('handles characters beyond the BMP as single tokens', () => {
    const tok = CharTokenizer.fromText('a😀b😀');
    expect(tok.vocab).toEqual(['a', 'b', '😀']);
    expect([...tok.encode('😀a')]).toEqual([2, 0]);
    expect(tok.decode([0, 2, 1])).toBe('a😀b');
  });

  it('rejects unknown characters clearly, or maps them to unk', () => {
    const tok = CharTokenizer.fromText('abc');
    expect(() => tok.encode('abz')).toThrow(/character "z" \(U\+007A\) is not in the vocabulary; .* \(at character 2\)/);
    const withUnk = CharTokenizer.fromText('abc', { unk: '?' });
    expect(withUnk.vocab).toEqual(['a', 'b', 'c', '?']);
    expect(withUnk.decode(withUnk.encode('abz'))).toBe('ab?');
    expect(() => tok.decode([3])).toThrow(/id 3 \(position 0\) is outside 0..2/);
    expect(() => new CharTokenizer(['a', 'a'])).toThrow(/appears twice/);
  });
});

describe('CharDataset', () => {
  it('yields (input, target) windows shifted by one', async () => {
    const ds = new CharDataset('abcdef', 3);
    expect(ds.length).toBe(3);
    const [x, y] = ds.get(1);
    expect(x.dtype).toBe('int32');
    expect(ds.tokenizer.decode(await values(x))).toBe('bcd');
    expect(ds.tokenizer.decode(await values(y))).toBe('cde');
    x.dispose();
    y.dispose();
    expect(() => ds.get(3)).toThrow(RangeError);
    expect(() => new CharDataset('ab', 2)).toThrow(/needs more than blockSize/);
  });

  it('batches through a DataLoader', async () => {
    const ds = new CharDataset('to be or not to be', 4);
    const before = memory().numTensors;
    let batches = 0;
    for await (const [x, y] of new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 0 })) {
      expect(x.shape[1]).toBe(4);
      const xs = await values(x);
      const ys = await values(y);
      for (let r = 0; r < (x.shape[0] as number); r++) expect(xs.slice(r * 4 + 1, r * 4 + 4)).toEqual(ys.slice(r * 4, r * 4 + 3));
      x.dispose();
      y.dispose();
      batches++;
    }
    expect(batches).toBe(3); // 14 windows
    expect(memory().numTensors).toBe(before);
  });
});
