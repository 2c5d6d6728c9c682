import { lenet5, predict } from '@strata/zoo';
import type { Print } from './types';

export const title = 'A pretrained LeNet-5';

/** A 28×28 "7", drawn with a brush: a top bar and a slanted stroke, light on dark like MNIST. */
function drawSeven(): number[][] {
  const image = Array.from({ length: 28 }, () => new Array<number>(28).fill(0));
  const dab = (r: number, c: number) => {
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const [y, x] = [Math.round(r) + dr, Math.round(c) + dc];
        const v = dr === 0 && dc === 0 ? 255 : 160;
        const row = image[y];
        if (row && x >= 0 && x < 28) row[x] = Math.max(row[x] as number, v);
      }
    }
  };
  for (let c = 7; c <= 20; c++) dab(6, c); // the bar
  for (let t = 0; t <= 1; t += 0.05) dab(6 + 16 * t, 20 - 8 * t); // the stroke
  return image;
}

/** Loads the weights shipped with @strata/zoo (a safetensors file) and classifies a drawn digit. */
export async function run(print: Print): Promise<void> {
  const model = await lenet5({ pretrained: true });
  print(`weights: MNIST test accuracy ${model.metadata.test_accuracy ?? 'unknown'}`);
  const { label, probabilities } = await predict(model, drawSeven());
  print(`prediction: ${label} (p = ${(probabilities[label] as number).toFixed(2)})`);
  for (const p of model.parameters()) p.dispose();
}
