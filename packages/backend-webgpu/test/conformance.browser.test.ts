import { describeBackend } from '@strata/conformance';
import { createWebGpuBackend } from '../src/index';

// The whole conformance suite in headless Chromium (SwiftShader's Vulkan), through navigator.gpu.
describeBackend('webgpu (browser)', () => createWebGpuBackend());
