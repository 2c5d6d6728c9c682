import type { FusedOp, Primitive, ViewOp } from '@strata/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type GradRules, gradRules } from '../src/index';

describe('the gradient rules table', () => {
  it('has a rule for every primitive, view and fused op', () => {
    expectTypeOf<keyof GradRules['primitive']>().toEqualTypeOf<Primitive>();
    expectTypeOf<keyof GradRules['view']>().toEqualTypeOf<ViewOp>();
    expectTypeOf<keyof GradRules['fused']>().toEqualTypeOf<FusedOp>();
    expect(Object.keys(gradRules.primitive).length).toBeGreaterThanOrEqual(10);
  });

  it('does not compile without a rule for a primitive', () => {
    const { matmul: _omitted, ...withoutMatmul } = gradRules.primitive;
    // @ts-expect-error — 'matmul' has no rule: a primitive without a rule fails `pnpm typecheck`.
    const incomplete: GradRules['primitive'] = withoutMatmul;
    expect('matmul' in incomplete).toBe(false);
  });
});
