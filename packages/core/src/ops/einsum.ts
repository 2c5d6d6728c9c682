/**
 * einsum with PyTorch's rules: any number of operands, labels [a-zA-Z],
 * implicit output (ellipsis dims, then the labels seen once, uppercase before
 * lowercase) or explicit '->' output, '...' broadcasting, repeated labels in
 * one operand (diagonals), size-1 broadcasting of a label, and summed labels.
 *
 * Every operand is aligned to one layout (output dims, then summed dims; size 1
 * where it lacks a label), then operands are contracted left to right: dims no
 * later operand needs are summed, shared dims become a batched matmul.
 */
import { fmtShape, ShapeError } from '../errors';
import { tidy } from '../memory';
import type { Tensor } from '../tensor/tensor';
import { matmul } from './matmul';
import { sum } from './reduce';
import { permute, reshape, slice } from './views';

/** A label's slot: 0-51 for letters (A-Z, then a-z), 'ELL' for the ellipsis. */
type Token = number | 'ELL';

const labelOf = (c: string): number => (c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + 26);
const charOf = (s: number): string => String.fromCharCode(s < 26 ? 65 + s : 97 + s - 26);

function parseTerm(term: string, where: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < term.length; i++) {
    const c = term[i] as string;
    if (c === ' ') continue;
    if (c === '.') {
      if (term.slice(i, i + 3) !== '...')
        throw new SyntaxError(`einsum(): found '.' for ${where} that is not part of an ellipsis (...)`);
      if (out.includes('ELL')) throw new SyntaxError(`einsum(): ${where} has more than one ellipsis (...)`);
      out.push('ELL');
      i += 2;
    } else if (/[a-zA-Z]/.test(c)) out.push(labelOf(c));
    else throw new SyntaxError(`einsum(): invalid subscript '${c}' in ${where}; subscripts must be in [a-zA-Z]`);
  }
  return out;
}

/** The diagonal of dims p < q (equal sizes) placed at p, q removed: a reshape (copy if needed) and a strided slice. */
function diagonal(x: Tensor, p: number, q: number): Tensor {
  const n = x.shape[p] as number;
  const others = x.shape.map((_, i) => i).filter((i) => i !== p && i !== q);
  const moved = permute(x, [...others, p, q]);
  const flat = reshape(moved, [...others.map((i) => x.shape[i] as number), n * n]);
  const diag = slice(flat, [...others.map(() => null), { step: n + 1 }]);
  const order = others.map((_, i) => i);
  order.splice(p, 0, others.length);
  return permute(diag, order);
}

/**
 * Einstein summation (torch.einsum).
 *
 * @example
 * einsum('ij,jk->ik', a, b);   // matmul
 * einsum('ii->i', m);          // diagonal
 * einsum('ii', m);             // trace
 * einsum('b...i,b...i->b...', x, y);
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (operands.length === 0) throw new RangeError('einsum(): must provide at least one operand');
  for (const t of operands) t.assertAlive('einsum');
  const arrow = equation.indexOf('->');
  const lhs = arrow >= 0 ? equation.slice(0, arrow) : equation;
  const terms = lhs.split(',');
  if (terms.length !== operands.length)
    throw new RangeError(
      `einsum(): the equation has ${terms.length} operand term(s) but ${operands.length} operand(s) were given`,
    );
  const opLabels = terms.map((t, i) => parseTerm(t, `operand ${i}`));

  const counts = new Array<number>(52).fill(0);
  let ellDims = 0;
  opLabels.forEach((labels, i) => {
    const nd = (operands[i] as Tensor).ndim;
    const letters = labels.filter((l) => l !== 'ELL').length;
    for (const l of labels) if (l !== 'ELL') counts[l]++;
    const hasEll = labels.includes('ELL');
    if (hasEll ? letters > nd : letters !== nd)
      throw new ShapeError(
        `einsum(): operand ${i} has ${nd} dims (shape ${fmtShape((operands[i] as Tensor).shape)}) but its subscripts '${terms[i]?.trim()}' name ${letters}${hasEll ? ' (plus an ellipsis)' : ''}`,
      );
    if (hasEll) ellDims = Math.max(ellDims, nd - letters);
  });

  // Global layout: output dims first (outDims of them), then the summed dims.
  const position = new Array<number>(52).fill(-1);
  let next = 0;
  let ellStart = 0;
  let ellInOutput = false;
  if (arrow < 0) {
    ellInOutput = true;
    next = ellDims;
    for (let l = 0; l < 52; l++) if (counts[l] === 1) position[l] = next++;
  } else {
    for (const t of parseTerm(equation.slice(arrow + 2), 'the output')) {
      if (t === 'ELL') {
        ellStart = next;
        next += ellDims;
        ellInOutput = true;
      } else {
        if (counts[t] === 0)
          throw new SyntaxError(`einsum(): output subscript ${charOf(t)} does not appear in any input operand`);
        if (position[t] !== -1) throw new SyntaxError(`einsum(): output subscript ${charOf(t)} appears more than once`);
        position[t] = next++;
      }
    }
  }
  const outDims = next;
  if (!ellInOutput) {
    ellStart = next;
    next += ellDims;
  }
  for (let l = 0; l < 52; l++) if (counts[l] > 0 && position[l] === -1) position[l] = next++;
  const total = next;

  return tidy(() => {
    const sizes = new Array<number>(total).fill(1);
    const where = new Array<string>(total).fill('');
    const aligned = operands.map((x, i) => {
      const labels = opLabels[i] as Token[];
      let op = x;
      const perm = new Array<number>(total).fill(-1);
      let dim = 0;
      for (const l of labels) {
        const slots =
          l === 'ELL'
            ? Array.from(
                { length: x.ndim - (labels.length - 1) },
                (_, j) => ellStart + ellDims - (x.ndim - labels.length + 1) + j,
              )
            : [position[l] as number];
        for (const s of slots) {
          const name = l === 'ELL' ? `ellipsis dim ${s - ellStart}` : `subscript ${charOf(l)}`;
          const size = op.shape[dim] as number;
          if (perm[s] !== -1) {
            const prev = perm[s] as number;
            if (op.shape[prev] !== size)
              throw new ShapeError(
                `einsum(): ${name} is repeated in operand ${i} with different sizes (${op.shape[prev]} and ${size})`,
              );
            op = diagonal(op, prev, dim);
            continue;
          }
          if (size !== 1) {
            if (sizes[s] !== 1 && sizes[s] !== size)
              throw new ShapeError(
                `einsum(): ${name} has size ${size} in operand ${i}, which does not broadcast with size ${sizes[s]} (${where[s]})`,
              );
            sizes[s] = size;
            where[s] = `operand ${i}`;
          }
          perm[s] = dim++;
        }
      }
      // Missing labels become trailing size-1 dims, then everything moves to its slot.
      const missing = perm.filter((p) => p === -1).length;
      if (missing > 0) op = reshape(op, [...op.shape, ...new Array<number>(missing).fill(1)]);
      for (let s = 0; s < total; s++) if (perm[s] === -1) perm[s] = dim++;
      return permute(op, perm);
    });

    const nonOne = (t: Tensor, d: number) => (t.shape[d] as number) !== 1;
    // How many remaining operands hold each summed dim with size > 1.
    const holders = new Array<number>(total).fill(0);
    for (const t of aligned) for (let d = outDims; d < total; d++) if (nonOne(t, d)) holders[d]++;

    let ops = aligned;
    while (ops.length > 1) {
      let [a, b] = ops as [Tensor, Tensor];
      const sumNow: number[] = [];
      const aSum: number[] = [];
      const bSum: number[] = [];
      for (let d = outDims; d < total; d++) {
        if (nonOne(a, d) && nonOne(b, d)) {
          if (--holders[d] === 1) {
            sumNow.push(d);
            holders[d] = 0;
          }
        } else if (holders[d] === 1 && (nonOne(a, d) || nonOne(b, d))) {
          (nonOne(a, d) ? aSum : bSum).push(d);
          holders[d] = 0;
        }
      }
      if (aSum.length > 0) a = sum(a, aSum, true);
      if (bSum.length > 0) b = sum(b, bSum, true);
      ops = [contractPair(a, b, sumNow), ...ops.slice(2)];
    }
    const last = ops[0] as Tensor;
    const shape = last.shape.slice(0, outDims);
    if (total === outDims) return last;
    return operands.length > 1
      ? reshape(last, shape)
      : sum(
          last,
          Array.from({ length: total - outDims }, (_, i) => outDims + i),
        );
  });
}

/** a * b summed over `sumDims`, as one batched matmul; both in the global layout, the result too. */
function contractPair(a: Tensor, b: Tensor, sumDims: readonly number[]): Tensor {
  const dims = a.shape.map((_, d) => d);
  const big = (t: Tensor, d: number) => (t.shape[d] as number) !== 1;
  const batch = dims.filter((d) => !sumDims.includes(d) && big(a, d) && big(b, d));
  const m = dims.filter((d) => !sumDims.includes(d) && big(a, d) && !big(b, d));
  const n = dims.filter((d) => !sumDims.includes(d) && !big(a, d) && big(b, d));
  const size = (t: Tensor, ds: readonly number[]) => ds.reduce((p, d) => p * (t.shape[d] as number), 1);
  const kept = [...batch, ...m, ...n];
  const rest = dims.filter((d) => !kept.includes(d));
  const a3 = reshape(permute(a, [...batch, ...m, ...sumDims, ...dims.filter((d) => ![...batch, ...m, ...sumDims].includes(d))]), [
    size(a, batch),
    size(a, m),
    size(a, sumDims),
  ]);
  const b3 = reshape(permute(b, [...batch, ...sumDims, ...n, ...dims.filter((d) => ![...batch, ...sumDims, ...n].includes(d))]), [
    size(b, batch),
    size(b, sumDims),
    size(b, n),
  ]);
  const product = matmul(a3, b3);
  const order = [...kept, ...rest];
  const shaped = reshape(
    product,
    order.map((d) => (batch.includes(d) || m.includes(d) ? (a.shape[d] as number) : n.includes(d) ? (b.shape[d] as number) : 1)),
  );
  return permute(
    shaped,
    dims.map((d) => order.indexOf(d)),
  );
}
