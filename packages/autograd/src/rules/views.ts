/** Gradient rules of the four view ops. */
import { permute, reshape, type SliceRange, slice, type Tensor } from '@strata/core';
import { flatIndices, sumToShape } from './helpers';
import { scatterFlat } from './primitives';
import type { GradRules } from './types';

export const viewRules: GradRules['view'] = {
  reshape: (g, { inputs }) => [reshape(g, (inputs[0] as Tensor).shape)],
  permute: (g, { params }) => {
    const inverse = new Array<number>(params.dims.length);
    params.dims.forEach((d, i) => {
      inverse[d] = i;
    });
    return [permute(g, inverse)];
  },
  expand: (g, { inputs }) => [sumToShape(g, (inputs[0] as Tensor).shape)],
  slice: (g, { params, inputs }) => {
    const x = inputs[0] as Tensor;
    // The sliced flat indices say where each gradient element goes in x.
    const ranges: SliceRange[] = params.starts.map((start, d) => ({ start, end: params.ends[d], step: params.steps[d] }));
    const source = slice(flatIndices(x.shape), ranges);
    return [scatterFlat(g, source, x.shape, x.dtype)];
  },
};
