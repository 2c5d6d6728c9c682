/**
 * Times buildMatmul's kernel on the local Dawn device (run by hand, not a test):
 *   EGL_PLATFORM=surfaceless npx tsx --conditions=@strata/source test/kernels-matmul-timing.script.ts [sizes...]
 * Prints the median over a few runs of one dispatch (submit + onSubmittedWorkDone), in ms and GFLOP/s.
 */
import { buildMatmul } from '../src/kernels/matmul';
import { dawnDevice } from './dawn-device';
import { limitsOf } from './kernels-runner';

const device = await dawnDevice();
const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [256, 512, 1024]) {
  const info = { shape: [n, n], strides: [n, 1], offset: 0, dtype: 'float32' as const };
  const plan = buildMatmul(info, info, { shape: [n, n], dtype: 'float32' }, limitsOf(device));
  const module = device.createShaderModule({ code: plan.code });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const uniforms = device.createBuffer({
    size: plan.uniforms.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(uniforms, 0, new Uint32Array(plan.uniforms));
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const buffers = [0, 1, 2].map(() => device.createBuffer({ size: n * n * 4, usage }));
  device.queue.writeBuffer(buffers[0] as GPUBuffer, 0, data);
  device.queue.writeBuffer(buffers[1] as GPUBuffer, 0, data);
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniforms, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const once = async () => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...plan.workgroups);
    pass.end();
    const t0 = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  await once(); // compile + first run
  const times: number[] = [];
  for (let i = 0; i < (n >= 1024 ? 5 : 10); i++) times.push(await once());
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)] as number;
  console.log(
    `${n}x${n}x${n}: ${ms.toFixed(1)} ms median (min ${(times[0] as number).toFixed(1)}), ${((2 * n ** 3) / ms / 1e6).toFixed(2)} GFLOP/s [${plan.name}]`,
  );
  for (const b of [uniforms, ...buffers]) b.destroy();
}
device.destroy();
