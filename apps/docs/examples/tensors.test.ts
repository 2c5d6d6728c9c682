import { expect, it } from 'vitest';
import { expectedOutput } from './expected-output';
import { run } from './tensors';

it('tensors example prints shapes, views and broadcasts', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(expectedOutput.tensors);
});
