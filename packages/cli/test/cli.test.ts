import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/index';

const run = promisify(execFile);
const cliDir = fileURLToPath(new URL('..', import.meta.url));

describe('strata demo', () => {
  it('trains logistic regression to high accuracy without leaking tensors', async () => {
    const lines: string[] = [];
    const result = await runDemo({ steps: 100, lr: 0.5, seed: 0, samples: 400 }, (l) => lines.push(l));
    expect(result.accuracy).toBeGreaterThan(0.9);
    expect(result.finalLoss).toBeLessThan(0.3);
    expect(result.leakedTensors).toBe(0);
    expect(lines[0]).toMatch(/^step +1 {2}loss 0\.6931$/); // zero weights: loss = ln 2
    expect(lines.at(-1)).toMatch(/train accuracy \d+\.\d% on 400 points; tensors leaked by the loop: 0/);
  });

  it('is deterministic for a seed', async () => {
    const a = await runDemo({ steps: 10, lr: 0.5, seed: 3, samples: 100 }, () => {});
    const b = await runDemo({ steps: 10, lr: 0.5, seed: 3, samples: 100 }, () => {});
    expect(a.finalLoss).toBe(b.finalLoss);
  });
});

describe('strata binary', () => {
  const strata = (...args: string[]) =>
    run('node', ['--import', 'tsx', '--conditions=@strata/source', 'src/bin.ts', ...args], { cwd: cliDir }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('exits 2 with a clear message on bad arguments', async () => {
    const bad = await strata('demo', '--steps', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--steps must be an integer >= 1/);
    const unknown = await strata('fly');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'fly'/);
  }, 60_000);

  it('prints help for every command and reports backends', async () => {
    const help = await strata('demo', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--learning rate|--lr <rate>/);
    const info = await strata('info');
    expect(info.stdout).toMatch(/selected: wasm/); // auto prefers wasm over cpu without a GPU
    expect(info.stdout).toMatch(/webgpu skipped: (only a software adapter|no adapter|not registered)/);
  }, 60_000);
});
