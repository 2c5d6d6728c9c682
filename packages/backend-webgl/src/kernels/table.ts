/**
 * The kernel table: one entry per primitive of core's contract (a mapped type,
 * so a missing one does not compile). Each turns views into kernel specs from
 * the builders and runs them; multi-pass primitives (reductions, long scans,
 * argsort, long concats) free their intermediates as they go.
 */
import { E, type Expr, type KernelTable, type OutputSpec, type ReduceOp, sizeOf, type View } from '@strata/core';
import type { ViewInfo } from '../glsl/access';
import type { Runtime } from '../runtime/runtime';
import { layoutOf, type WebGlStorage } from '../storage';
import { buildElementwise } from './elementwise';
import { buildGather, buildScatterAdd, buildScatterAddSorted, indexCheckExpr, sharedIndexRow } from './indexing';
import { buildConcat, buildPad, MAX_CONCAT_INPUTS } from './layout';
import { buildMatmul } from './matmul';
import { buildArgsortGather, buildArgsortRanks, buildRandom } from './random-argsort';
import { buildReducePass, chunkFor, partialDType } from './reduce';
import { buildScanStep, buildSerialScan, contiguousView, SERIAL_MAX } from './scan';

type GlView = View<WebGlStorage>;

/**
 * Shared index rows longer than this are sorted first (three small kernels, O(len^2) once for the
 * row) so that scatterAdd costs O(log len) per output element instead of O(len).
 */
const SORTED_SCATTER_MIN = 64;

/** What each reduction gives over no elements (the CPU's starting values). */
const emptyReduction: Readonly<Record<ReduceOp, number>> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
  argmax: 0,
  argmin: 0,
  any: 0,
  all: 1,
};

/** A contiguous view of storage the table made itself. */
function own(storage: WebGlStorage, shape: readonly number[], dtype: GlView['dtype']): GlView {
  return { storage, ...contiguousView(shape, dtype) };
}

export function createKernels(rt: Runtime): KernelTable<WebGlStorage> {
  const empty = (out: OutputSpec): WebGlStorage => ({ texture: null, size: 0, layout: layoutOf(out.dtype) });

  const elementwise = (inputs: readonly GlView[], expr: Expr, out: OutputSpec): WebGlStorage =>
    rt.run(
      buildElementwise(inputs, expr, out),
      inputs.map((v) => v.storage),
      sizeOf(out.shape),
    );

  /** Runs reduce passes until one value per kept position remains. */
  const reduce = (x: GlView, axes: readonly number[], op: ReduceOp, out: OutputSpec): WebGlStorage => {
    const chunk = chunkFor(op);
    let pass = buildReducePass(x, axes, op, out.dtype, chunk);
    let storage = rt.run(pass.spec, [x.storage], pass.kept * pass.chunks);
    while (pass.chunks > 1) {
      const partial: ViewInfo = contiguousView([pass.kept, pass.chunks], partialDType(op, out.dtype));
      pass = buildReducePass(partial, [1], op, out.dtype, chunk);
      const next = rt.run(pass.spec, [storage], pass.kept * pass.chunks);
      rt.free(storage);
      storage = next;
    }
    return storage;
  };

  /** Records a check that every element of `index` lies in [0, size); the next read reports a failure. */
  const checkIndices = (op: string, index: GlView, size: number, axis: number) => {
    const n = sizeOf(index.shape);
    if (n === 0) return;
    const bad = elementwise([index], indexCheckExpr(size), { shape: index.shape, dtype: 'bool' });
    const all = index.shape.map((_, d) => d);
    const flag = reduce(own(bad, index.shape, 'bool'), all, 'any', { shape: [], dtype: 'bool' });
    rt.free(bad);
    rt.defer(op, flag, `an index is out of bounds for dimension ${axis} with size ${size}`);
  };

  /** Concatenates non-empty views along `axis` into a new contiguous tensor of `shape`. */
  const concat = (views: readonly GlView[], axis: number, out: OutputSpec): WebGlStorage => {
    if (views.length <= MAX_CONCAT_INPUTS) {
      let start = 0;
      const pieces = views.map((view) => {
        const piece = { view, start };
        start += view.shape[axis] as number;
        return piece;
      });
      return rt.run(
        buildConcat(pieces, axis, out),
        views.map((v) => v.storage),
        sizeOf(out.shape),
      );
    }
    const groups: GlView[] = [];
    for (let g = 0; g < views.length; g += MAX_CONCAT_INPUTS) {
      const members = views.slice(g, g + MAX_CONCAT_INPUTS);
      const len = members.reduce((n, v) => n + (v.shape[axis] as number), 0);
      const shape = out.shape.map((d, i) => (i === axis ? len : d));
      groups.push(own(concat(members, axis, { shape, dtype: out.dtype }), shape, out.dtype));
    }
    const result = concat(groups, axis, out);
    for (const g of groups) rt.free(g.storage);
    return result;
  };

  /** scatterAdd through a sorted copy of its shared index row (see kernels/indexing.ts). */
  const sortedScatterAdd = (base: GlView, index: GlView, row: ViewInfo, src: GlView, axis: number, out: OutputSpec) => {
    const len = row.shape[0] as number;
    const ranks = rt.run(buildArgsortRanks(row, 0, false), [index.storage], len);
    const order = rt.run(buildArgsortGather([len], 0), [ranks], len);
    rt.free(ranks);
    const orderView = contiguousView([len], 'int32');
    const keys = rt.run(buildGather(row, orderView, 0, { shape: [len], dtype: 'int32' }), [index.storage, order], len);
    const spec = buildScatterAddSorted(base, index, src, axis, out);
    const result = rt.run(spec, [base.storage, keys, order, src.storage], sizeOf(out.shape));
    rt.free(keys);
    rt.free(order);
    return result;
  };

  return {
    elementwise: (inputs, params, out) => elementwise(inputs, params.expr, out),

    reduce(inputs, params, out) {
      const x = inputs[0] as GlView;
      if (sizeOf(out.shape) === 0) return empty(out);
      if (sizeOf(x.shape) === 0) return elementwise([], E.const(emptyReduction[params.op], out.dtype), out);
      // Core reduces a 0-d tensor over "axis 0" (PyTorch allows dim 0 on scalars): nothing to reduce.
      return reduce(x, x.shape.length === 0 ? [] : params.axes, params.op, out);
    },

    scan(inputs, params, out) {
      const x = inputs[0] as GlView;
      const n = sizeOf(out.shape);
      if (n === 0) return empty(out);
      const cast = E.cast(E.input(0, x.dtype), out.dtype);
      if (x.shape.length === 0) return elementwise([x], cast, out);
      const len = x.shape[params.axis] as number;
      if (len <= SERIAL_MAX) return rt.run(buildSerialScan(x, params.axis, params.op, out.dtype), [x.storage], n);
      let current = elementwise([x], cast, out);
      for (let step = 1; step < len; step *= 2) {
        const next = rt.run(buildScanStep(out.shape, params.axis, params.op, out.dtype, step), [current], n);
        rt.free(current);
        current = next;
      }
      return current;
    },

    matmul(inputs, _params, out) {
      const [a, b] = inputs as [GlView, GlView];
      if (sizeOf(out.shape) === 0) return empty(out);
      if ((a.shape[a.shape.length - 1] as number) === 0) return elementwise([], E.const(0, out.dtype), out);
      return rt.run(buildMatmul(a, b, out), [a.storage, b.storage], sizeOf(out.shape));
    },

    gather(inputs, params, out) {
      const [x, index] = inputs as [GlView, GlView];
      if (sizeOf(out.shape) === 0) return empty(out);
      const result = rt.run(buildGather(x, index, params.axis, out), [x.storage, index.storage], sizeOf(out.shape));
      checkIndices('gather', index, x.shape[params.axis] as number, params.axis);
      return result;
    },

    scatterAdd(inputs, params, out) {
      const [base, index, src] = inputs as [GlView, GlView, GlView];
      if (sizeOf(out.shape) === 0) return empty(out);
      if (sizeOf(index.shape) === 0) return elementwise([base], E.cast(E.input(0, base.dtype), out.dtype), out);
      const row = sharedIndexRow(index, params.axis);
      const len = index.shape[params.axis] as number;
      const result =
        row && len > SORTED_SCATTER_MIN && sizeOf(out.shape) > len
          ? sortedScatterAdd(base, index, row, src, params.axis, out)
          : rt.run(
              buildScatterAdd(base, index, src, params.axis, out),
              [base.storage, index.storage, src.storage],
              sizeOf(out.shape),
            );
      checkIndices('scatterAdd', index, out.shape[params.axis] as number, params.axis);
      return result;
    },

    concat(inputs, params, out) {
      if (sizeOf(out.shape) === 0) return empty(out);
      return concat(
        inputs.filter((v) => sizeOf(v.shape) > 0),
        params.axis,
        out,
      );
    },

    pad(inputs, params, out) {
      const x = inputs[0] as GlView;
      if (sizeOf(out.shape) === 0) return empty(out);
      if (sizeOf(x.shape) === 0) return elementwise([], E.const(params.value, out.dtype), out);
      return rt.run(buildPad(x, params.pads, params.mode, params.value, out), [x.storage], sizeOf(out.shape));
    },

    random(_inputs, params, out) {
      if (sizeOf(out.shape) === 0) return empty(out);
      return rt.run(buildRandom(params, out), [], sizeOf(out.shape));
    },

    argsort(inputs, params, out) {
      const x = inputs[0] as GlView;
      const n = sizeOf(out.shape);
      if (n === 0) return empty(out);
      if (x.shape.length === 0) return elementwise([], E.const(0, 'int32'), out);
      const ranks = rt.run(buildArgsortRanks(x, params.axis, params.descending), [x.storage], n);
      const result = rt.run(buildArgsortGather(x.shape, params.axis), [ranks], n);
      rt.free(ranks);
      return result;
    },
  };
}
