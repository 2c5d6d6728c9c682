/**
 * @packageDocumentation
 * Model zoo: self-contained model files with PyTorch-compatible parameter
 * names and loaders for pretrained weights.
 */
export { decodeImage, type GrayImage, ImageDecodeError } from './image';
export { LeNet5, type LeNet5Config } from './lenet5';
export {
  type DigitImage,
  LENET5_WEIGHTS_URL,
  type LeNet5Options,
  lenet5,
  type Prediction,
  type PredictOptions,
  predict,
  toInput,
} from './lenet5-pretrained';
export { MNIST_MEAN, MNIST_STD } from './mnist-norm';
export { BasicBlock, Bottleneck, ResNet, type ResNetBlock, type ResNetConfig, resnet18, resnet34, resnet50 } from './resnet';
