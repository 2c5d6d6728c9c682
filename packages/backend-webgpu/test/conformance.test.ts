import { describeBackend } from '@strata/conformance';
import { createWebGpuBackend } from '../src/index';
import { createNodeGpu } from '../src/node';

// The whole conformance suite on Dawn (WebGPU in Node) over Mesa llvmpipe.
describeBackend('webgpu', () => createWebGpuBackend({ gpu: createNodeGpu() }));
