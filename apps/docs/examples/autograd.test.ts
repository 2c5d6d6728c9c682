import { expect, it } from 'vitest';
import { run } from './autograd';
import { expectedOutput } from './expected-output';

it('autograd computes first and second derivatives', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(expectedOutput.autograd);
});
