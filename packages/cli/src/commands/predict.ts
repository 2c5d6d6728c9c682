import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { lenet5, predict } from '@strata/zoo';
import { type BackendChoice, selectBackend } from './backend';
import { evaluate } from './evaluate';
import { loadMnist } from './mnist';

async function loadModel(weights: string | undefined) {
  return lenet5(weights ? { weightsUrl: pathToFileURL(weights) } : { pretrained: true });
}

/** `strata eval lenet [--weights file]`: accuracy on the MNIST test set. */
export async function runEval(
  options: { weights?: string; backend: BackendChoice; testLimit?: number },
  print: (line: string) => void,
): Promise<number> {
  const backend = await selectBackend(options.backend, print);
  const model = await loadModel(options.weights);
  const test = await loadMnist(false, options.testLimit);
  const accuracy = await evaluate(model, test.images, test.labels, backend);
  print(
    `LeNet-5 (${options.weights ?? 'shipped weights'}): test accuracy ${(100 * accuracy).toFixed(2)}% on ${test.images.shape[0]} images`,
  );
  test.images.dispose();
  test.labels.dispose();
  model.dispose();
  return accuracy;
}

/** `strata predict lenet image.png`: the digit in a PNG or PGM image. */
export async function runPredict(
  image: string,
  options: { weights?: string; backend: BackendChoice },
  print: (line: string) => void,
): Promise<number> {
  await selectBackend(options.backend, print);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(image));
  } catch (error) {
    throw new Error(`predict: cannot read '${image}': ${(error as Error).message}`);
  }
  const model = await loadModel(options.weights);
  const { label, probabilities } = await predict(model, bytes);
  print(`${image}: ${label} (p = ${(probabilities[label] as number).toFixed(3)})`);
  print(`probabilities: ${probabilities.map((p, k) => `${k}:${p.toFixed(3)}`).join(' ')}`);
  model.dispose();
  return label;
}
