// Every op module of core, re-exported. A test (ops/index.test.ts) checks that
// no file in this directory is missing here.
export * from './activations';
export * from './arithmetic';
export * from './compare';
export * from './creation';
export * from './elementwise';
export * from './indexing';
export * from './join';
export * from './math';
export * from './matmul';
export * from './pad';
export * from './reduce';
export * from './repeat';
export * from './triangular';
export * from './views';
