import type { Tensor } from './tensor';

/**
 * tidy() scopes: every tensor created while a scope is open is tracked by the
 * innermost scope; when the scope's function returns, tracked tensors that are
 * not part of the result (and not kept) are disposed.
 */
const scopes: Set<Tensor>[] = [];

export function track(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

/** Removes a tensor from every open scope, so no tidy() disposes it. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collectTensors(value: unknown, out: Set<Tensor>, isTensor: (v: unknown) => v is Tensor, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (isTensor(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, out, isTensor, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out, isTensor, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collectTensors(v, out, isTensor, depth + 1);
}

export function runScoped<T>(fn: () => T, isTensor: (v: unknown) => v is Tensor): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of scope) if (!t.isDisposed) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) if (!t.isDisposed) t.dispose();
    throw new TypeError(
      'tidy(fn): fn returned a Promise; tidy only tracks synchronous work. Await outside tidy, or dispose by hand.',
    );
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept, isTensor);
  for (const t of scope) if (!kept.has(t) && !t.isDisposed) t.dispose();
  // Results belong to the enclosing scope, if any.
  for (const t of kept) if (scope.has(t)) track(t);
  return result;
}
