/**
 * Finding a GPU: the caller's device, adapter or GPU object, else
 * `navigator.gpu`. The device asks for the adapter's own limits, since the
 * defaults (notably on compatibility-level adapters such as Dawn on llvmpipe:
 * 128 invocations per workgroup, 16 KiB workgroup memory) are far below what
 * the hardware offers.
 */
import { BackendError } from '@strata/core';

export interface WebGpuBackendOptions {
  /** The WebGPU entry point: `navigator.gpu` in browsers (the default), `createNodeGpu()` in Node. */
  readonly gpu?: GPU;
  /** Use this adapter instead of requesting one. */
  readonly adapter?: GPUAdapter;
  /** Use this device (the backend will not destroy it). */
  readonly device?: GPUDevice;
  readonly powerPreference?: GPUPowerPreference;
  /** Submit once this many commands are queued (default 128). */
  readonly maxQueuedDispatches?: number;
}

const NO_WEBGPU =
  'WebGPU is not available here. In Node, install the `webgpu` package and pass ' +
  "{ gpu: createNodeGpu() } (import { createNodeGpu } from '@strata/backend-webgpu/node'); " +
  'in a browser, use one with WebGPU enabled (Chrome/Edge 113+, Firefox 141+, Safari 26+; on Linux Chrome needs ' +
  "--enable-unsafe-webgpu). Or pick another backend: initBackend(['webgpu', 'wasm', 'cpu']).";

const NO_ADAPTER =
  'WebGPU found no adapter. In Node on a machine without a GPU, Dawn runs on Mesa llvmpipe: install ' +
  '`libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri` (Debian/Ubuntu), set EGL_PLATFORM=surfaceless and use ' +
  'createNodeGpu(); with a GPU, install its Vulkan driver. In a browser, check chrome://gpu (Linux needs ' +
  '--enable-unsafe-webgpu). Or fall back to another backend.';

function defaultGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu;
}

/** The adapter's limits as a requiredLimits record (numbers only). */
export function adapterLimits(adapter: GPUAdapter): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') limits[key] = value;
  }
  return limits;
}

export async function requestAdapter(gpu: GPU, powerPreference?: GPUPowerPreference): Promise<GPUAdapter> {
  const base: GPURequestAdapterOptions = powerPreference ? { powerPreference } : {};
  const adapter = (await gpu.requestAdapter(base)) ?? (await gpu.requestAdapter({ ...base, featureLevel: 'compatibility' }));
  if (!adapter) throw new BackendError(NO_ADAPTER);
  return adapter;
}

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** Whether the backend created the device (and so destroys it). */
  readonly owned: boolean;
  /**
   * What the device came from. The backend holds on to these: in Node, Dawn's
   * instance behind a `GPU` object must outlive its devices, and a collected
   * instance takes the process down.
   */
  readonly keepAlive: readonly object[];
}

export async function acquireDevice(options: WebGpuBackendOptions): Promise<AcquiredDevice> {
  if (options.device) return { device: options.device, owned: false, keepAlive: [options.device] };
  let adapter = options.adapter;
  const gpu = options.gpu ?? defaultGpu();
  if (!adapter) {
    if (!gpu) throw new BackendError(NO_WEBGPU);
    adapter = await requestAdapter(gpu, options.powerPreference);
  }
  try {
    const device = await adapter.requestDevice({ requiredLimits: adapterLimits(adapter), label: 'strata' });
    return { device, owned: true, keepAlive: gpu ? [gpu, adapter] : [adapter] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendError(
      `WebGPU: requestDevice failed (${reason}). An adapter gives one device: reuse the backend, or pass { device } to share yours.`,
    );
  }
}
