import { describe, expect, it } from 'vitest';

// Proves the browser test harness gives later backends what they need in
// headless Chromium on SwiftShader: WebGL2 with float render targets (for
// @strata/backend-webgl) and a WebGPU adapter that runs compute (for
// @strata/backend-webgpu).

describe('browser harness: WebGL2', () => {
  it('has a WebGL2 context that can render into a float texture', () => {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    expect(gl, 'no WebGL2 context').not.toBeNull();
    if (!gl) return;
    expect(gl.getExtension('EXT_color_buffer_float'), 'EXT_color_buffer_float missing').not.toBeNull();

    // A 2x2 RGBA32F texture as a render target must be framebuffer-complete,
    // and a clear to non-8-bit values must read back exactly.
    const texture = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, 2, 2, 0, gl.RGBA, gl.FLOAT, null);
    const framebuffer = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    expect(gl.checkFramebufferStatus(gl.FRAMEBUFFER)).toBe(gl.FRAMEBUFFER_COMPLETE);
    gl.clearColor(1.5, -2.25, 1e6, 0.125);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const pixels = new Float32Array(16);
    gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.FLOAT, pixels);
    expect(Array.from(pixels.subarray(0, 4))).toEqual([1.5, -2.25, 1e6, 0.125]);
    expect(Array.from(pixels.subarray(12, 16))).toEqual([1.5, -2.25, 1e6, 0.125]);
  });
});

describe('browser harness: WebGPU', () => {
  it('has an adapter whose device runs a compute shader with correct results', async () => {
    expect(navigator.gpu, 'navigator.gpu is missing (is --enable-unsafe-webgpu set?)').toBeDefined();
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter, 'no WebGPU adapter').not.toBeNull();
    if (!adapter) return;
    const device = await adapter.requestDevice();

    const n = 300;
    const a = Float32Array.from({ length: n }, (_, i) => i * 0.5);
    const b = Float32Array.from({ length: n }, (_, i) => 3 - i);
    const module = device.createShaderModule({
      code: /* wgsl */ `
        @group(0) @binding(0) var<storage, read> a: array<f32>;
        @group(0) @binding(1) var<storage, read> b: array<f32>;
        @group(0) @binding(2) var<storage, read_write> out: array<f32>;
        @compute @workgroup_size(64)
        fn main(@builtin(global_invocation_id) id: vec3u) {
          if (id.x < arrayLength(&out)) { out[id.x] = a[id.x] * b[id.x] + 1.0; }
        }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const upload = (data: Float32Array<ArrayBuffer>) => {
      const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, data);
      return buffer;
    };
    const bufA = upload(a);
    const bufB = upload(b);
    const out = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [bufA, bufB, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    encoder.copyBufferToBuffer(out, 0, staging, 0, n * 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const result = Array.from(new Float32Array(staging.getMappedRange()));
    staging.unmap();
    expect(result).toEqual(Array.from({ length: n }, (_, i) => Math.fround(a[i]! * b[i]! + 1)));
    device.destroy();
  });
});
