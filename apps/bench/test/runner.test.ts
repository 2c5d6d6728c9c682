import { describe, expect, it } from 'vitest';
import { randomFloats } from '../src/inputs';
import { formatCase } from '../src/report';
import { caseOptions, runCase, Unavailable } from '../src/runner';
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

  it('caps warm-up and repetitions by the case limits, and says so in the report', async () => {
    const counts = { runs: 0 };
    const result = await runCase(
      'test',
      {
        name: 'slow',
        limits: { warmup: 1, repetitions: 2 },
        implementations: [{ name: 'only', peer: true, run: () => void counts.runs++ }],
      },
      { warmup: 3, repetitions: 10 },
    );
    expect(counts.runs).toBe(3);
    expect(result.options).toEqual({ warmup: 1, repetitions: 2 });
    expect(result.results[0]?.samplesMs).toHaveLength(2);
    expect(formatCase(result, { warmup: 3, repetitions: 10 }).split('\n')[0]).toBe('test / slow (warm-up 1, 2 timed runs)');
    expect(formatCase(result, { warmup: 1, repetitions: 2 }).split('\n')[0]).toBe('test / slow');
  });

  it('keeps the run options when they are below the limits or there are none', () => {
    const implementations: never[] = [];
    expect(
      caseOptions({ name: 'c', limits: { warmup: 2, repetitions: 5 }, implementations }, { warmup: 0, repetitions: 1 }),
    ).toEqual({
      warmup: 0,
      repetitions: 1,
    });
    expect(caseOptions({ name: 'c', limits: { repetitions: 5 }, implementations }, { warmup: 3, repetitions: 10 })).toEqual({
      warmup: 3,
      repetitions: 5,
    });
    expect(caseOptions({ name: 'c', implementations }, { warmup: 3, repetitions: 10 })).toEqual({ warmup: 3, repetitions: 10 });
  });

  it('rejects invalid limits', () => {
    const opts = { warmup: 3, repetitions: 10 };
    expect(() => caseOptions({ name: 'c', limits: { repetitions: 0 }, implementations: [] }, opts)).toThrow(/limits.repetitions/);
    expect(() => caseOptions({ name: 'c', limits: { warmup: -1 }, implementations: [] }, opts)).toThrow(/limits.warmup/);
    expect(() => caseOptions({ name: 'c', limits: { warmup: 1.5 }, implementations: [] }, opts)).toThrow(/limits.warmup/);
  });

  it('lists an implementation that throws Unavailable with its reason, and takes the next available peer as baseline', async () => {
    const torn: string[] = [];
    const result = await runCase(
      'test',
      {
        name: 'partly',
        work: { amount: 10, unit: 'elements' },
        implementations: [
          {
            name: 'gone',
            peer: true,
            note: 'first peer',
            setup() {
              throw new Unavailable('no adapter here');
            },
            run: () => {},
          },
          {
            name: 'fails later',
            peer: true,
            run() {
              throw new Unavailable('kernel X is missing');
            },
            teardown: () => void torn.push('fails later'),
          },
          { name: 'backup', peer: true, run: () => {} },
          { name: 'ours', peer: false, run: () => {} },
        ],
      },
      { warmup: 1, repetitions: 2 },
    );
    const [gone, later] = result.results;
    expect(gone).toMatchObject({ unavailable: 'no adapter here', samplesMs: [], note: 'first peer' });
    expect(gone?.medianMs).toBeNaN();
    expect(later?.unavailable).toBe('kernel X is missing');
    expect(torn).toEqual(['fails later']); // teardown still runs after a failed run
    expect(result.baseline).toBe('backup');
    expect(Object.keys(result.speedup)).toEqual(['backup', 'ours']);
    const table = formatCase(result);
    expect(table).toMatch(/gone \(peer\) +unavailable +unavailable: no adapter here; first peer/);
    expect(table).toMatch(/vs backup/);
  });

  it('still fails on errors other than Unavailable', async () => {
    const boom = {
      name: 'c',
      implementations: [
        {
          name: 'x',
          peer: false,
          run: () => {
            throw new Error('bug');
          },
        },
      ],
    };
    await expect(runCase('t', boom, { warmup: 0, repetitions: 1 })).rejects.toThrow('bug');
  });

  it('rejects zero repetitions', async () => {
    await expect(runCase('t', { name: 'c', implementations: [] }, { warmup: 0, repetitions: 0 })).rejects.toThrow(/repetitions/);
  });
});

describe('randomFloats', () => {
  it('is deterministic per seed, in [-0.5, 0.5)', () => {
    const a = randomFloats(1000, 7);
    expect(a).toEqual(randomFloats(1000, 7));
    expect(a).not.toEqual(randomFloats(1000, 8));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...a)).toBeLessThan(0.5);
  });
});

describe('loadSuites', () => {
  it('finds every suite file, each with a unique name', async () => {
    const suites = await loadSuites();
    const names = suites.map((s) => s.name);
    expect(names).toContain('elementwise');
    expect(names).toContain('cpu-core');
    expect(new Set(names).size).toBe(names.length);
  });
});
