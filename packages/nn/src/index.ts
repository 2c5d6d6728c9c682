/**
 * @packageDocumentation
 * Neural-network modules with PyTorch's names and parameter layouts, so
 * PyTorch checkpoints load by key. Importing it also enables autograd.
 */
export { ModuleDict, ModuleList, Sequential, type UnaryModule } from './containers';
export { bilinearForm } from './functional';
export * from './layers/activation';
export * from './layers/linear';
export { type LoadStateDictOptions, type LoadStateDictResult, Module, type StateDict, StateDictError } from './module';
export { isParameter, parameter } from './parameter';
export { loadModule, saveModule } from './serialize';
