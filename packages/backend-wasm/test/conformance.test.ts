import { describeBackend } from '@strata/conformance';
import { createWasmBackend } from '../src/index';

// The whole conformance suite on one thread: the SIMD kernels against the CPU reference, every other kernel the CPU's.
describeBackend('wasm', () => createWasmBackend({ threads: 1 }));
