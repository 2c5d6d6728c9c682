import type { DataArray, DType } from '../dtype';

const EDGE = 3;
const THRESHOLD = 1000;

/** PyTorch-style printing: `tensor([[1., 2.], [3., 4.]])`, summarised with `...` past 1000 elements. */
export function formatTensor(values: DataArray, shape: readonly number[], dtype: DType, backend: string): string {
  const summarise = values.length > THRESHOLD;
  const isFloatType = dtype === 'float32' || dtype === 'float16';
  const finite = Array.from(values as ArrayLike<number>).filter((v) => Number.isFinite(v));
  const allIntegral = finite.every((v) => Number.isInteger(v));
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const sci = isFloatType && !allIntegral && (maxAbs >= 1e8 || (maxAbs > 0 && maxAbs < 1e-4));
  const fmt = (v: number): string => {
    if (dtype === 'bool') return v ? 'true' : 'false';
    if (!isFloatType) return String(v);
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (sci) return v.toExponential(4);
    if (allIntegral) return `${v}.`;
    return v.toFixed(4);
  };
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const cells: string[] = [];
  const walk = (d: number, offset: number): unknown => {
    if (d === shape.length) {
      const s = fmt(values[offset] as number);
      cells.push(s);
      return s;
    }
    const n = shape[d] as number;
    const idx =
      summarise && n > 2 * EDGE
        ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)]
        : [...Array(n).keys()];
    return idx.map((i) => (i < 0 ? '...' : walk(d + 1, offset + i * (strides[d] as number))));
  };
  const tree = walk(0, 0);
  const width = Math.max(0, ...cells.map((c) => c.length));
  const render = (node: unknown, depth: number): string => {
    if (!Array.isArray(node)) return node === '...' ? '...' : String(node).padStart(width);
    if (node.length === 0) return '[]';
    const inner = node.map((c) => render(c, depth + 1));
    if (!Array.isArray(node[0]) && node[0] !== '...') return `[${inner.join(', ')}]`;
    const sep = `,${'\n'.repeat(Math.max(1, shape.length - depth - 1))}${' '.repeat(depth + 8)}`;
    return `[${inner.join(sep)}]`;
  };
  const body = shape.length === 0 ? fmt(values[0] as number) : render(tree, 0);
  const extras: string[] = [];
  if (dtype !== 'float32') extras.push(`dtype=${dtype}`);
  if (backend !== 'cpu') extras.push(`backend=${backend}`);
  if (values.length === 0) extras.push(`size=[${shape.join(', ')}]`);
  return `tensor(${body}${extras.length ? `, ${extras.join(', ')}` : ''})`;
}
