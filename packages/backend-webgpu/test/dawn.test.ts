import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';

// WebGPU in Node through Dawn on Mesa llvmpipe (OpenGL ES, compatibility
// feature level): the setup every CPU-only machine of ours has. See
// ../shared/ENVIRONMENT.md; EGL_PLATFORM=surfaceless comes from vitest.shared.ts.
Object.assign(globalThis, globals);

let device: GPUDevice;
// Dawn must keep its instance and adapter alive while the device is used: hold them for the file.
let gpu: GPU | undefined;
let adapter: GPUAdapter | null = null;

beforeAll(async () => {
  gpu = create(['backend=opengles']);
  adapter = await gpu.requestAdapter({ featureLevel: 'compatibility' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter: is Mesa (libegl-mesa0, libgles2) installed?');
  // Compatibility devices default to small limits; ask for what the adapter has.
  device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  });
});

afterAll(() => device?.destroy());

async function runSquarePlusIndex(input: Float32Array<ArrayBuffer>): Promise<Float32Array> {
  const module = device.createShaderModule({
    code: /* wgsl */ `
      @group(0) @binding(0) var<storage, read> src: array<f32>;
      @group(0) @binding(1) var<storage, read_write> dst: array<f32>;
      @compute @workgroup_size(64)
      fn main(@builtin(global_invocation_id) id: vec3u) {
        let i = id.x;
        if (i < arrayLength(&src)) { dst[i] = src[i] * src[i] + f32(i); }
      }`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bytes = input.byteLength;
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(src, 0, input);
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: src } },
      { binding: 1, resource: { buffer: dst } },
    ],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(input.length / 64));
  pass.end();
  encoder.copyBufferToBuffer(dst, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (const b of [src, dst, staging]) b.destroy();
  return out;
}

describe('Dawn (webgpu package) on llvmpipe', () => {
  it('gives a compatibility-level adapter with the raised limits', () => {
    expect(device.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
  });

  it('runs a compute shader and returns exact numbers', async () => {
    const n = 1000; // not a multiple of the workgroup size: checks the bounds guard
    const input = Float32Array.from({ length: n }, (_, i) => (i % 17) - 8);
    const out = await runSquarePlusIndex(input);
    const expected = Float32Array.from(input, (x, i) => x * x + i);
    expect(Array.from(out)).toEqual(Array.from(expected));
  });
});
