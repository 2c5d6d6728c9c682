/**
 * ResNet for ImageNet-sized images (3×224×224 and up).
 *
 * References:
 * - K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image
 *   Recognition", CVPR 2016 — the 18/34-layer (basic block) and 50-layer
 *   (bottleneck) networks.
 * - torchvision's ResNet, whose module names (conv1, bn1, layer1.0.conv1,
 *   layer2.0.downsample.0, fc ...) these use, so a torchvision state dict loads
 *   with `loadStateDict`; like torchvision ("ResNet v1.5") the bottleneck
 *   strides in its 3×3 convolution, not the first 1×1.
 */
import { type Generator, type Tensor, tidy } from '@strata/core';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, init, Linear, MaxPool2d, Module, ReLU, Sequential } from '@strata/nn';

export interface ResNetConfig {
  /** Output classes (default 1000, ImageNet). */
  numClasses?: number;
  /**
   * Start every residual branch at zero (its last BatchNorm's weight = 0), so each
   * block begins as the identity — helps very deep networks train (Goyal et al. 2017).
   */
  zeroInitResidual?: boolean;
  /** Generator for the initial weights. */
  generator?: Generator;
}

type Init = { generator?: Generator };

/** 3×3 convolution without bias (a BatchNorm follows), padding 1. */
const conv3x3 = (inC: number, outC: number, stride: number, g: Init) =>
  new Conv2d(inC, outC, 3, { stride, padding: 1, bias: false, ...g });

const conv1x1 = (inC: number, outC: number, stride: number, g: Init) => new Conv2d(inC, outC, 1, { stride, bias: false, ...g });

/** The shortcut projection where a block changes resolution or width: 1×1 conv + BatchNorm. */
function projection(inC: number, outC: number, stride: number, g: Init): Sequential | undefined {
  if (stride === 1 && inC === outC) return undefined;
  return new Sequential(conv1x1(inC, outC, stride, g), new BatchNorm2d(outC));
}

/** Two 3×3 convolutions with a shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | undefined;

  constructor(inChannels: number, planes: number, stride = 1, g: Init = {}) {
    super();
    this.conv1 = conv3x3(inChannels, planes, stride, g);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, 1, g);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = projection(inChannels, planes, stride, g);
  }

  /** The BatchNorm that closes the residual branch (zeroed by zeroInitResidual). */
  get lastNorm(): BatchNorm2d {
    return this.bn2;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
      const branch = this.bn2.forward(this.conv2.forward(h));
      const shortcut = this.downsample ? this.downsample.forward(x) : x;
      return this.relu.forward(branch.add(shortcut));
    });
  }
}

/** 1×1 reduce, 3×3 (strided), 1×1 expand to 4× the width, with a shortcut. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  relu = new ReLU();
  downsample: Sequential | undefined;

  constructor(inChannels: number, planes: number, stride = 1, g: Init = {}) {
    super();
    const width = planes * Bottleneck.expansion;
    this.conv1 = conv1x1(inChannels, planes, 1, g);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, stride, g);
    this.bn2 = new BatchNorm2d(planes);
    this.conv3 = conv1x1(planes, width, 1, g);
    this.bn3 = new BatchNorm2d(width);
    this.downsample = projection(inChannels, width, stride, g);
  }

  get lastNorm(): BatchNorm2d {
    return this.bn3;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let h = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
      h = this.relu.forward(this.bn2.forward(this.conv2.forward(h)));
      const branch = this.bn3.forward(this.conv3.forward(h));
      const shortcut = this.downsample ? this.downsample.forward(x) : x;
      return this.relu.forward(branch.add(shortcut));
    });
  }
}

export type ResNetBlock = typeof BasicBlock | typeof Bottleneck;

/**
 * A 7×7/2 stem with 3×3/2 max-pooling, four stages of residual blocks (64, 128,
 * 256, 512 planes; stages 2–4 halve the resolution), global average pooling and
 * a linear classifier. Shapes: (N, 3, H, W) → logits (N, numClasses).
 *
 * @example
 * const model = resnet18().eval();
 * const logits = model.forward(randn([1, 3, 224, 224])); // (1, 1000)
 */
export class ResNet extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  fc: Linear;

  constructor(block: ResNetBlock, layers: readonly [number, number, number, number], config: ResNetConfig = {}) {
    super();
    const g: Init = config.generator ? { generator: config.generator } : {};
    this.conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false, ...g });
    this.bn1 = new BatchNorm2d(64);
    let inChannels = 64;
    const stage = (planes: number, blocks: number, stride: number): Sequential => {
      const items: (BasicBlock | Bottleneck)[] = [];
      for (let i = 0; i < blocks; i++) {
        items.push(new block(inChannels, planes, i === 0 ? stride : 1, g));
        inChannels = planes * block.expansion;
      }
      return new Sequential(...items);
    };
    this.layer1 = stage(64, layers[0], 1);
    this.layer2 = stage(128, layers[1], 2);
    this.layer3 = stage(256, layers[2], 2);
    this.layer4 = stage(512, layers[3], 2);
    this.fc = new Linear(inChannels, config.numClasses ?? 1000, g);
    // torchvision's initialisation: He-normal (fan-out) convolutions; BatchNorm starts at weight 1, bias 0.
    this.apply((m) => {
      if (m instanceof Conv2d) init.kaimingNormal_(m.weight, { mode: 'fanOut', nonlinearity: 'relu', ...g });
      if (config.zeroInitResidual && (m instanceof BasicBlock || m instanceof Bottleneck)) {
        init.zeros_(m.lastNorm.weight as Tensor);
      }
    });
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let h = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
      for (const stage of [this.layer1, this.layer2, this.layer3, this.layer4]) h = stage.forward(h);
      return this.fc.forward(this.avgpool.forward(h).flatten(1));
    });
  }
}

/** ResNet-18: basic blocks [2, 2, 2, 2], 11.7 M parameters. */
export const resnet18 = (config: ResNetConfig = {}) => new ResNet(BasicBlock, [2, 2, 2, 2], config);

/** ResNet-34: basic blocks [3, 4, 6, 3], 21.8 M parameters. */
export const resnet34 = (config: ResNetConfig = {}) => new ResNet(BasicBlock, [3, 4, 6, 3], config);

/** ResNet-50: bottleneck blocks [3, 4, 6, 3], 25.6 M parameters. */
export const resnet50 = (config: ResNetConfig = {}) => new ResNet(Bottleneck, [3, 4, 6, 3], config);
