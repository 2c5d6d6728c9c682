import { expect, it } from 'vitest';
import { expectedOutput } from './expected-output';
import { run } from './first-steps';

it('first-steps prints tensors, their softmax, and a matmul', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(expectedOutput['first-steps']);
});
