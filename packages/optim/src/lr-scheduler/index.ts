export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './cosine';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './lambda';
export { LinearLR, type LinearLROptions } from './linear';
export { LRScheduler, type LRSchedulerLike, type LRSchedulerOptions, type SchedulerStateDict } from './lr-scheduler';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau';
export { SequentialLR, type SequentialLROptions } from './sequential';
export {
  ExponentialLR,
  type ExponentialLROptions,
  MultiStepLR,
  type MultiStepLROptions,
  StepLR,
  type StepLROptions,
} from './step';
