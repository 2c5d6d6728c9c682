/**
 * @packageDocumentation
 * The `strata` command line (bin: `strata`). `createProgram()` builds the
 * commander program so it can be embedded or tested; `runDemo` and `runInfo`
 * are the commands' bodies.
 */
export { type DemoOptions, type DemoResult, runDemo } from './commands/demo';
export { runInfo } from './commands/info';
export { runEval, runPredict } from './commands/predict';
export { epochOrder, runTrain, type TrainOptions, type TrainResult } from './commands/train';
export { createProgram } from './program';
