import { describeBackend } from '@strata/conformance';
import { createWasmBackend } from '../src/index';

// The suite again on two threads, with every matmul and conv2d (however small) split across the worker pool.
describeBackend('wasm (2 threads)', () => createWasmBackend({ threads: 2, parallelMinMacs: 0 }));
