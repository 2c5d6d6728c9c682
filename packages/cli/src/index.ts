/**
 * @packageDocumentation
 * The `strata` command line (bin: `strata`). `createProgram()` builds the
 * commander program so it can be embedded or tested; `runDemo` and `runInfo`
 * are the commands' bodies.
 */
export { type DemoOptions, type DemoResult, runDemo } from './commands/demo';
export { runInfo } from './commands/info';
export { createProgram } from './program';
