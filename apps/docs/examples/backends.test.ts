import { expect, it } from 'vitest';
import { run } from './backends';
import { expectedOutput } from './expected-output';

it('the backends example picks wasm and matches the CPU', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(expectedOutput.backends);
});
