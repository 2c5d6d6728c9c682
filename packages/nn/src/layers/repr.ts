/**
 * Python's `repr` of the values PyTorch's `extra_repr` prints (floats, tuples,
 * booleans, None), so a module prints the same text as its PyTorch twin.
 */

/** A float as Python prints it: `1e-05`, `0.1`, `1.0`, `1e+16`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exp = '0'] = x.toExponential().split('e');
  const e = Number(exp);
  // Python switches to scientific notation below 1e-4 and from 1e16.
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const fixed = String(x);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/** A tuple of ints as Python prints it: `(3,)`, `(3, 3)`. */
export function pyTuple(values: readonly (number | null)[]): string {
  const items = values.map((v) => (v === null ? 'None' : String(v)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

export const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** An int or a tuple of ints, printed as given. */
export const pyIntOrTuple = (v: number | readonly number[]): string => (typeof v === 'number' ? String(v) : pyTuple(v));

/** A shape as error messages print it: `[2, 3]`. */
export const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
