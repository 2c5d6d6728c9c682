import { expect, it } from 'vitest';
import { run } from './first-steps';

it('first-steps prints the logits and their softmax', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(['logits: [2, 1, 0.1]', 'softmax: [0.6590, 0.2424, 0.0986]']);
});
