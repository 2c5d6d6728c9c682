/**
 * @packageDocumentation
 * Optimisers (SGD, Adam(W), RMSprop, ...), learning-rate schedulers and
 * gradient clipping, with PyTorch's update rules, defaults and state-dict
 * structure. Updates run under `noGrad` and change parameters with `assign`.
 */
export { Adadelta, type AdadeltaGroup, type AdadeltaOptions, type AdadeltaState } from './adadelta';
export { Adagrad, type AdagradGroup, type AdagradOptions, type AdagradState } from './adagrad';
export { Adam, type AdamGroup, type AdamOptions, type AdamState, AdamW } from './adam';
export { Adamax, type AdamaxGroup, type AdamaxOptions, type AdamaxState } from './adamax';
export { type ClipGradNormOptions, clipGradNorm, clipGradValue } from './clip';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping';
export { adamUpdate, lerp, squareAverage } from './fused';
export * from './lr-scheduler/index';
export { NAdam, type NAdamGroup, type NAdamOptions, type NAdamState } from './nadam';
export {
  checkBetas,
  checkOption,
  type GroupOptions,
  type GroupStateDict,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type Params,
  type Scalar,
} from './optimizer';
export { RMSprop, type RMSpropGroup, type RMSpropOptions, type RMSpropState } from './rmsprop';
export { SGD, type SGDGroup, type SGDOptions, type SGDState } from './sgd';
