import type { OpRecord, Tensor } from '@strata/core';

export interface RuleContext<R extends OpRecord> {
  readonly params: R['params'];
  /** The op's inputs (our retained handles, same layout as at the op). */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Which inputs need a gradient; rules may skip the others. */
  readonly needs: readonly boolean[];
}

/** Returns one gradient per input (null/undefined: none), each shaped like that input. */
export type GradRule<R extends OpRecord> = (gradOut: Tensor, ctx: RuleContext<R>) => readonly (Tensor | null | undefined)[];

type RulesOfKind<K extends OpRecord['kind']> = {
  readonly [R in Extract<OpRecord, { kind: K }> as R['op']]: GradRule<R>;
};

/**
 * One gradient rule per primitive, view and fused op, as mapped types over
 * core's unions: a new primitive without a rule here fails to compile.
 */
export interface GradRules {
  readonly primitive: RulesOfKind<'primitive'>;
  readonly view: RulesOfKind<'view'>;
  readonly fused: RulesOfKind<'fused'>;
}
