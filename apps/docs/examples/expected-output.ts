/** What each example prints, checked in Node (examples/*.test.ts) and in Chromium (test/site.test.ts). */
export const expectedOutput: Record<string, readonly string[]> = {
  'first-steps': [
    'logits: tensor([2.0000, 1.0000, 0.1000])',
    'softmax: tensor([0.6590, 0.2424, 0.0986])',
    'sum: 1.0000',
    'a @ a.T = [[5,11],[11,25]]',
  ],
};
