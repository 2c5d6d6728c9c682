/**
 * One Dawn device per test file (an adapter gives one device): WebGPU in Node
 * on Mesa llvmpipe, compatibility feature level, with the adapter's own limits
 * (the compatibility defaults are smaller). EGL_PLATFORM=surfaceless comes
 * from vitest.shared.ts. See ../../../shared/ENVIRONMENT.md.
 */
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);

let devicePromise: Promise<GPUDevice> | undefined;
/**
 * The Dawn instance and adapter must stay reachable while the device lives:
 * if the GC collects the instance, the next pipeline compile aborts the
 * process ("std::system_error: Invalid argument").
 */
const keepAlive: unknown[] = [];

async function open(): Promise<GPUDevice> {
  const gpu = create(['backend=opengles']);
  const adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter: is Mesa (libegl-mesa0, libgles2) installed?');
  keepAlive.push(gpu, adapter);
  return adapter.requestDevice({
    requiredLimits: {
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: adapter.limits.maxComputeWorkgroupSizeY,
    },
  });
}

/** The process's Dawn device, created on first use. */
export function dawnDevice(): Promise<GPUDevice> {
  devicePromise ??= open();
  return devicePromise;
}
