/**
 * The kernel table: one entry per primitive of core's contract (a mapped type,
 * so a missing one does not compile), each turning views into plans from the
 * builders and running them through the Executor.
 */
import { E, type KernelTable, type OutputSpec, sizeOf, type View } from '@strata/core';
import { type Executor, viewInfo } from '../exec';
import type { GpuStorage } from '../storage';
import { buildArgsort } from './argsort';
import { buildGather, buildScatterAdd } from './indexing';
import { buildConcatPart, buildPad } from './layout';
import { planMatmul } from './matmul-direct';
import { outKey, PlanCache, viewKey } from './plan-cache';
import { buildRandom } from './random';
import { buildReduce } from './reduce';
import { buildScan } from './scan';
import { scatterAddCsr, sharedIndexRow } from './scatter';

type Views = readonly View<GpuStorage>[];

export function createKernels(exec: Executor): KernelTable<GpuStorage> {
  const rt = exec.rt;
  const limits = rt.limits;
  const matmulPlans = new PlanCache();
  const empty = (out: OutputSpec) => sizeOf(out.shape) === 0;
  const first = (inputs: Views) => inputs[0] as View<GpuStorage>;

  return {
    elementwise(inputs, params, out) {
      rt.check('elementwise');
      return exec.elementwise(inputs, params.expr, out);
    },
    reduce(inputs, params, out) {
      rt.check('reduce');
      return exec.viaFloat32(inputs, out, (xs, o) => {
        if (empty(o)) return exec.allocate(o.dtype, 0);
        const x = first(xs);
        // Core reduces a 0-d tensor over "axis 0" (PyTorch allows dim 0 on scalars): nothing to reduce.
        const axes = x.shape.length === 0 ? [] : params.axes;
        return exec.run(buildReduce(viewInfo(x), axes, params.op, o, limits), xs, o);
      });
    },
    scan(inputs, params, out) {
      rt.check('scan');
      return exec.viaFloat32(inputs, out, (xs, o) =>
        empty(o) ? exec.allocate(o.dtype, 0) : exec.run(buildScan(viewInfo(first(xs)), params.axis, params.op, o, limits), xs, o),
      );
    },
    matmul(inputs, _params, out) {
      rt.check('matmul');
      return exec.viaFloat32(inputs, out, (xs, o) => {
        if (empty(o)) return exec.allocate(o.dtype, 0);
        const [a, b] = xs as [View<GpuStorage>, View<GpuStorage>];
        if ((a.shape[a.shape.length - 1] as number) === 0) return exec.elementwise([], E.const(0, o.dtype), o);
        const [ai, bi] = [viewInfo(a), viewInfo(b)];
        const plan = matmulPlans.get(`${viewKey(ai)} ${viewKey(bi)} ${outKey(o)}`, () => planMatmul(ai, bi, o, limits));
        return exec.run(plan, xs, o);
      });
    },
    gather(inputs, params, out) {
      rt.check('gather');
      return exec.viaFloat32(inputs, out, (xs, o) => {
        const [x, index] = xs as [View<GpuStorage>, View<GpuStorage>];
        const result = exec.allocate(o.dtype, sizeOf(o.shape));
        if (result.size === 0) return result;
        const plan = buildGather(viewInfo(x), viewInfo(index), params.axis, o, limits);
        exec.dispatch(plan, [x.storage.buffer, index.storage.buffer, result.buffer], rt.boundsFlag);
        return result;
      });
    },
    scatterAdd(inputs, params, out) {
      rt.check('scatterAdd');
      return exec.viaFloat32(inputs, out, (xs, o) => {
        const [base, index, src] = xs as [View<GpuStorage>, View<GpuStorage>, View<GpuStorage>];
        if (sizeOf(index.shape) > 0 && sharedIndexRow(viewInfo(index), params.axis, o, limits)) {
          return scatterAddCsr(exec, base, index, src, params.axis, o);
        }
        const result = exec.elementwise([base], E.input(0, base.dtype), o);
        if (result.size === 0 || sizeOf(index.shape) === 0) return result;
        const plan = buildScatterAdd(viewInfo(index), viewInfo(src), params.axis, o, limits);
        exec.dispatch(plan, [index.storage.buffer, src.storage.buffer, result.buffer], rt.boundsFlag);
        return result;
      });
    },
    concat(inputs, params, out) {
      rt.check('concat');
      return exec.viaFloat32(inputs, out, (xs, o) => {
        const result = exec.allocate(o.dtype, sizeOf(o.shape));
        let start = 0;
        for (const x of xs) {
          if (sizeOf(x.shape) > 0)
            exec.dispatch(buildConcatPart(viewInfo(x), params.axis, start, o, limits), [x.storage.buffer], result.buffer);
          start += x.shape[params.axis] as number;
        }
        return result;
      });
    },
    pad(inputs, params, out) {
      rt.check('pad');
      return exec.viaFloat32(inputs, out, (xs, o) =>
        empty(o)
          ? exec.allocate(o.dtype, 0)
          : exec.run(buildPad(viewInfo(first(xs)), params.pads, params.mode, params.value, o, limits), xs, o),
      );
    },
    random(inputs, params, out) {
      rt.check('random');
      return exec.viaFloat32(inputs, out, (_xs, o) =>
        empty(o) ? exec.allocate(o.dtype, 0) : exec.run(buildRandom(params, o, limits), [], o),
      );
    },
    argsort(inputs, params, out) {
      rt.check('argsort');
      return exec.viaFloat32(inputs, out, (xs, o) => {
        const x = first(xs);
        const result = exec.allocate(o.dtype, sizeOf(o.shape));
        if (result.size === 0) return result;
        const plans = buildArgsort(viewInfo(x), params.axis, params.descending, limits);
        const scratch = rt.alloc(plans.scratchElements * 4);
        exec.dispatch(plans.init, [x.storage.buffer], scratch);
        for (const pass of plans.passes) exec.dispatch(pass, [], scratch);
        exec.dispatch(plans.finish, [scratch], result.buffer);
        rt.release(scratch);
        return result;
      });
    },
  };
}
