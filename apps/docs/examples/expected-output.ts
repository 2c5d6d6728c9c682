/** What each example prints, checked in Node (examples/*.test.ts) and in Chromium (test/site.test.ts). */
export const expectedOutput: Record<string, readonly string[]> = {
  'first-steps': [
    'logits: tensor([2.0000, 1.0000, 0.1000])',
    'softmax: tensor([0.6590, 0.2424, 0.0986])',
    'sum: 1.0000',
    'a @ a.T = [[5,11],[11,25]]',
  ],
  'train-xor': [
    'step 25: loss 5.5e-2',
    'step 50: loss 5.0e-3',
    'step 75: loss 3.0e-5',
    'step 100: loss 1.2e-6',
    'predictions: [[0],[1],[1],[0]]',
  ],
  tensors: [
    'x: shape [2,3], dtype int32',
    'x.T: shape [3,2], strides [1,3]',
    'x[:, 1:]: [[1,2],[4,5]]',
    'x + row: [[10,21,32],[13,24,35]]',
    'col * [1, 2, 3]: [[1,2,3],[2,4,6]]',
    'int32 + float32 → float32',
  ],
  autograd: ['loss 14, w.grad [2,4,6]', 'd/dx sin(x) = cos(x): [1,0,-1]', 'd²/dx² sin(x) = -sin(x): [0,-1,0]'],
  'pretrained-lenet': ['weights: MNIST test accuracy 0.9867', 'prediction: 7 (p = 1.00)'],
  backends: ['backend: wasm', 'wasm matmul 128×64 matches the CPU reference: true'],
};
