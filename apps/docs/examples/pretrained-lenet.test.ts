import { expect, it } from 'vitest';
import { expectedOutput } from './expected-output';
import { run } from './pretrained-lenet';

it('the pretrained LeNet-5 reads a drawn seven', async () => {
  const lines: string[] = [];
  await run((line) => lines.push(line));
  expect(lines).toEqual(expectedOutput['pretrained-lenet']);
});
