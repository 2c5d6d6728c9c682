import { expect, it } from 'vitest';
import { expectedOutput } from './expected-output';
import { run } from './train-xor';

it('train-xor learns XOR and prints its loss and predictions', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(expectedOutput['train-xor']);
});
