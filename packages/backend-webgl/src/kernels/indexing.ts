/**
 * gather and scatterAdd (torch.gather / torch.scatter_add along `axis`).
 *
 * A fragment shader writes only its own output element, so scatterAdd runs in
 * gather form: output element o adds, in index order, every src element whose
 * index points at o along `axis` (a loop over index.shape[axis]). The adds
 * happen in the CPU's order, so float results match it bit for bit.
 *
 * An index outside its dimension cannot throw from a shader: gather reads 0
 * there and scatterAdd skips the element, and the table records an index check
 * (indexCheckExpr, reduced with `any`) that the next read turns into a
 * RangeError naming the op.
 *
 * That gather form costs O(index.shape[axis]) per output element, which is
 * what col2im (conv and pooling gradients: one index row shared by every
 * (n, c), thousands long) cannot afford: on SwiftShader a LeNet-5 step spent
 * 4.2 s of 6 s there. When the index is shared (stride 0 outside `axis`) and
 * long, the table sorts it once (stable, so equal keys keep index order) and
 * buildScatterAddSorted finds each output's entries by binary search: the adds
 * still happen in the CPU's order.
 */
import { E, type Expr, type OutputSpec } from '@strata/core';
import { contiguousStrides, loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { convert, valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';

/** bool per index element: true where it is outside [0, size). */
export function indexCheckExpr(size: number): Expr {
  const k = E.input(0, 'int32');
  return E.binary('or', E.binary('lt', k, E.const(0, 'int32')), E.binary('ge', k, E.const(size, 'int32')));
}

/** out[p] = x[p with p[axis] := index[p]], p over index.shape; inputs t0 = x, t1 = index. */
export function buildGather(x: ViewInfo, index: ViewInfo, axis: number, out: OutputSpec): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const base = { strides: x.strides.map((s, d) => (d === axis ? 0 : s)), offset: x.offset };
  const access = viewAccess(index.shape, [base, index], 'i', p);
  const size = p.add(x.shape[axis] as number);
  const stride = p.add(x.strides[axis] as number);
  const vt = valueType(out.dtype);
  const zero = vt === 'float' ? '0.0' : vt === 'int' ? '0' : 'false';
  const value = convert(loadValue(0, `o0 + k * ${stride}`, x.dtype), valueType(x.dtype), vt, used);
  const body = [
    access.code,
    `int k = ${loadValue(1, 'o1', 'int32')};`,
    `if (k < 0 || k >= ${size}) { ${storeValue(zero, out.dtype)} }`,
    storeValue(value, out.dtype),
  ];
  return {
    name: 'gather',
    inputs: [layoutOf(x.dtype), 'rg'],
    output: layoutOf(out.dtype),
    body: body.join('\n  '),
    helpers: used,
    params: p.values,
  };
}

/**
 * out = base, then out[p with p[axis] := index[p]] += src[p] for p over index.shape
 * (the CPU's order); inputs t0 = base, t1 = index, t2 = src.
 */
export function buildScatterAdd(base: ViewInfo, index: ViewInfo, src: ViewInfo, axis: number, out: OutputSpec): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const rank = out.shape.length;
  const outStrides = contiguousStrides(out.shape);
  const access = viewAccess(out.shape, [base], 'i', p, 'ob');
  const vt = valueType(out.dtype) === 'float' ? 'float' : 'int';
  const lines = [
    access.code,
    `${vt} acc = ${convert(loadValue(0, 'ob0', base.dtype), valueType(base.dtype), vt, used)};`,
    'bool valid = true;',
    `int io = ${p.add(index.offset)};`,
    `int so = ${p.add(src.offset)};`,
    'int ca = 0;',
  ];
  for (let d = 0; d < rank; d++) {
    const c = `((i / ${p.add(outStrides[d] as number)}) % ${p.add(out.shape[d] as number)})`;
    if (d === axis) {
      lines.push(`ca = ${c};`);
      continue;
    }
    lines.push(
      `{ int c = ${c};`,
      `  valid = valid && c < ${p.add(index.shape[d] as number)};`,
      `  io += c * ${p.add(index.strides[d] as number)};`,
      `  so += c * ${p.add(src.strides[d] as number)}; }`,
    );
  }
  const len = p.add(index.shape[axis] as number);
  const is = p.add(index.strides[axis] as number);
  const ss = p.add(src.strides[axis] as number);
  lines.push(
    `if (valid) {`,
    `  for (int m = 0; m < ${len}; m++) {`,
    `    if (${loadValue(1, `io + m * ${is}`, 'int32')} == ca) {`,
    `      acc = acc + ${convert(loadValue(2, `so + m * ${ss}`, src.dtype), valueType(src.dtype), vt, used)};`,
    '    }',
    '  }',
    '}',
    storeValue(convert('acc', vt, valueType(out.dtype), used), out.dtype),
  );
  return {
    name: 'scatterAdd',
    inputs: [layoutOf(base.dtype), 'rg', layoutOf(src.dtype)],
    output: layoutOf(out.dtype),
    body: lines.filter((l) => l !== '').join('\n  '),
    helpers: used,
    params: p.values,
  };
}

/** Whether scatterAdd's index is one row shared by every lane (stride 0 outside `axis`). */
export function sharedIndexRow(index: ViewInfo, axis: number): ViewInfo | undefined {
  if (!index.strides.every((st, d) => d === axis || st === 0 || index.shape[d] === 1)) return undefined;
  return {
    shape: [index.shape[axis] as number],
    strides: [index.strides[axis] as number],
    offset: index.offset,
    dtype: 'int32',
  };
}

/**
 * scatterAdd with a shared index row, sorted: inputs t0 = base, t1 = the row's
 * keys in ascending order, t2 = the row positions in that order (stable), t3 = src.
 * Output element o binary-searches its coordinate along `axis` among the keys
 * and adds the src elements of the matching positions, in position order.
 */
export function buildScatterAddSorted(base: ViewInfo, index: ViewInfo, src: ViewInfo, axis: number, out: OutputSpec): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const rank = out.shape.length;
  const outStrides = contiguousStrides(out.shape);
  const access = viewAccess(out.shape, [base], 'i', p, 'ob');
  const vt = valueType(out.dtype) === 'float' ? 'float' : 'int';
  const lines = [
    access.code,
    `${vt} acc = ${convert(loadValue(0, 'ob0', base.dtype), valueType(base.dtype), vt, used)};`,
    'bool valid = true;',
    `int so = ${p.add(src.offset)};`,
    'int ca = 0;',
  ];
  for (let d = 0; d < rank; d++) {
    const c = `((i / ${p.add(outStrides[d] as number)}) % ${p.add(out.shape[d] as number)})`;
    if (d === axis) {
      lines.push(`ca = ${c};`);
      continue;
    }
    lines.push(
      `{ int c = ${c};`,
      `  valid = valid && c < ${p.add(index.shape[d] as number)};`,
      `  so += c * ${p.add(src.strides[d] as number)}; }`,
    );
  }
  const len = p.add(index.shape[axis] as number);
  const ss = p.add(src.strides[axis] as number);
  lines.push(
    'if (valid) {',
    `  int lo = 0; int hi = ${len};`,
    `  while (lo < hi) { int mid = (lo + hi) / 2; if (${loadValue(1, 'mid', 'int32')} < ca) { lo = mid + 1; } else { hi = mid; } }`,
    `  for (int j = lo; j < ${len}; j++) {`,
    `    if (${loadValue(1, 'j', 'int32')} != ca) { break; }`,
    `    int m = ${loadValue(2, 'j', 'int32')};`,
    `    acc = acc + ${convert(loadValue(3, `so + m * ${ss}`, src.dtype), valueType(src.dtype), vt, used)};`,
    '  }',
    '}',
    storeValue(convert('acc', vt, valueType(out.dtype), used), out.dtype),
  );
  return {
    name: 'scatterAdd:sorted',
    inputs: [layoutOf(base.dtype), 'rg', 'rg', layoutOf(src.dtype)],
    output: layoutOf(out.dtype),
    body: lines.filter((l) => l !== '').join('\n  '),
    helpers: used,
    params: p.values,
  };
}
