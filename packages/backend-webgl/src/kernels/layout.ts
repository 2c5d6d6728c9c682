/**
 * concat and pad: pure data movement, read in place through each view's
 * strides. A fragment shader writes only its own element, so concat reads
 * from whichever input covers the element's coordinate along `axis`; one
 * kernel takes at most MAX_CONCAT_INPUTS inputs (WebGL2 guarantees only 16
 * texture units), and the table concatenates longer lists in groups.
 */
import type { OutputSpec, PadMode } from '@strata/core';
import { loadValue, Params, storeValue, type ViewInfo, viewAccess } from '../glsl/access';
import { convert, valueType } from '../glsl/expr';
import type { KernelSpec } from '../runtime/kernel-cache';
import { layoutOf } from '../storage';
import { innerSize } from './scan';

export const MAX_CONCAT_INPUTS = 8;

/** Concatenates non-empty `pieces` (each with its start along `axis` in the output). */
export function buildConcat(pieces: readonly { view: ViewInfo; start: number }[], axis: number, out: OutputSpec): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const vt = valueType(out.dtype);
  const inner = p.add(innerSize(out.shape, axis));
  const total = p.add(out.shape[axis] as number);
  // Each piece as a view over the whole output shape: shifted back by its start, so the element
  // at output coordinate c (along axis) reads the piece's coordinate c - start.
  const virtual = pieces.map(({ view, start }) => ({
    strides: view.strides,
    offset: view.offset - start * (view.strides[axis] as number),
  }));
  const access = viewAccess(out.shape, virtual, 'i', p);
  const lines = [access.code, `int ca = (i / ${inner}) % ${total};`];
  pieces.forEach(({ view, start }, k) => {
    const end = p.add(start + (view.shape[axis] as number));
    const read = storeValue(convert(loadValue(k, `o${k}`, view.dtype), valueType(view.dtype), vt, used), out.dtype);
    lines.push(k === pieces.length - 1 ? read : `if (ca < ${end}) { ${read} }`);
  });
  return {
    name: 'concat',
    inputs: pieces.map(({ view }) => layoutOf(view.dtype)),
    output: layoutOf(out.dtype),
    body: lines.filter((l) => l !== '').join('\n  '),
    helpers: used,
    params: p.values,
  };
}

/** Where an out-of-range coordinate `c` reads from, per mode. */
function wrapCode(mode: PadMode, size: string): string {
  if (mode === 'replicate') return `c = clamp(c, 0, ${size} - 1);`;
  if (mode === 'reflect') return `c = c < 0 ? -c : 2 * (${size} - 1) - c;`;
  return 'inside = false;';
}

/** Pads `x` by `pads[d] = [before, after]`; `value` fills in constant mode. */
export function buildPad(
  x: ViewInfo,
  pads: readonly (readonly [number, number])[],
  mode: PadMode,
  value: number,
  out: OutputSpec,
): KernelSpec {
  const p = new Params();
  const used = new Set<string>();
  const nd = out.shape.length;
  const vt = valueType(out.dtype);
  const fill = p.constant(value, out.dtype);
  const lines: string[] = ['int r = i;', `int at = ${p.add(x.offset)};`, 'bool inside = true;', 'int c = 0;'];
  for (let d = nd - 1; d >= 0; d--) {
    const osize = p.add(out.shape[d] as number);
    const isize = p.add(x.shape[d] as number);
    const before = p.add(pads[d]?.[0] ?? 0);
    const stride = p.add(x.strides[d] as number);
    lines.push(
      d === 0 ? 'c = r;' : `c = r % ${osize};`,
      d === 0 ? '' : `r = r / ${osize};`,
      `c = c - ${before};`,
      `if (c < 0 || c >= ${isize}) { ${wrapCode(mode, isize)} }`,
      `at = at + max(c, 0) * ${stride};`,
    );
  }
  lines.push(
    `if (!inside) { ${storeValue(fill, out.dtype)} }`,
    storeValue(convert(loadValue(0, 'at', x.dtype), valueType(x.dtype), vt, used), out.dtype),
  );
  return {
    name: `pad:${mode}`,
    inputs: [layoutOf(x.dtype)],
    output: layoutOf(out.dtype),
    body: lines.filter((l) => l !== '').join('\n  '),
    helpers: used,
    params: p.values,
  };
}
