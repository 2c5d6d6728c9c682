import { describe, expect, it } from 'vitest';
import { formatCase } from '../src/report';
import { runCase } from '../src/runner';
import { formatRate, median } from '../src/stats';
import { loadSuites } from '../src/suites';

describe('stats', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/at least one sample/);
  });

  it('formats rates with SI prefixes', () => {
    expect(formatRate(41.2e9, 'FLOP')).toBe('41.2 GFLOP/s');
    expect(formatRate(512, 'images')).toBe('512 images/s');
  });
});

describe('runCase', () => {
  it('warms up, times each implementation and reports speedups against the first peer', async () => {
    const calls: string[] = [];
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const result = await runCase(
      'test',
      {
        name: 'sleepers',
        work: { amount: 1000, unit: 'elements' },
        implementations: [
          {
            name: 'peer',
            peer: true,
            run: () => {
              calls.push('peer');
              busy(8);
            },
          },
          {
            name: 'ours',
            peer: false,
            setup: () => void calls.push('setup'),
            run: () => {
              calls.push('ours');
              busy(2);
            },
          },
        ],
      },
      { warmup: 2, repetitions: 3 },
    );
    expect(calls.filter((c) => c === 'peer')).toHaveLength(5);
    expect(calls.filter((c) => c === 'ours')).toHaveLength(5);
    expect(calls.indexOf('setup')).toBe(5); // setup runs right before its own implementation
    expect(result.baseline).toBe('peer');
    const [peer, ours] = result.results;
    expect(peer?.samplesMs).toHaveLength(3);
    expect(peer?.medianMs).toBeGreaterThanOrEqual(8);
    expect(ours?.medianMs).toBeGreaterThanOrEqual(2);
    expect(result.speedup.peer).toBe(1);
    expect(result.speedup.ours).toBeCloseTo((peer?.medianMs ?? 0) / (ours?.medianMs ?? 1), 10);
    expect(ours?.throughput).toBeCloseTo(1000 / ((ours?.medianMs ?? 1) / 1000), 6);
    expect(formatCase(result)).toMatch(/ours +\S+ ms +\S+ kelements\/s +\d+\.\d\dx/);
  });

  it('rejects zero repetitions', async () => {
    await expect(runCase('t', { name: 'c', implementations: [] }, { warmup: 0, repetitions: 0 })).rejects.toThrow(/repetitions/);
  });
});

describe('loadSuites', () => {
  it('finds every suite file, each with a unique name', async () => {
    const suites = await loadSuites();
    const names = suites.map((s) => s.name);
    expect(names).toContain('elementwise');
    expect(new Set(names).size).toBe(names.length);
  });
});
