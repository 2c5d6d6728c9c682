/**
 * The opcodes this package emits, by their spec names. Core instructions are
 * one byte; SIMD instructions are 0xfd followed by a LEB128 sub-opcode
 * (relaxed SIMD's above 0xff take two bytes); bulk memory is 0xfc + sub-opcode.
 */

export const valType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = (typeof valType)[keyof typeof valType];

/** One-byte instructions. */
export const op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  i32Store: 0x36,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivU: 0x6e,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32Min: 0x96,
  f32Max: 0x97,
} as const;

/** SIMD sub-opcodes (after the 0xfd prefix). */
export const simd = {
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  /** Relaxed SIMD: a * b + c, fused or not (the platform decides). */
  f32x4RelaxedMadd: 0x105,
} as const;
export type SimdOp = (typeof simd)[keyof typeof simd];

/** Bulk-memory sub-opcodes (after the 0xfc prefix). */
export const bulk = { memoryCopy: 0x0a, memoryFill: 0x0b } as const;

/** The empty block type (a block that takes and leaves nothing on the stack). */
export const blockTypeEmpty = 0x40;
