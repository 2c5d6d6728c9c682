/**
 * WebGPU's numeric flags, spelled out: in Node the GPUBufferUsage / GPUMapMode
 * globals exist only after `webgpu`'s globals are installed, and a caller who
 * passes their own `gpu` object may not have done that.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = { READ: 0x0001 } as const;

export const ShaderStage = { COMPUTE: 0x4 } as const;
