import { fusedRules } from './fused';
import { primitiveRules } from './primitives';
import type { GradRules } from './types';
import { viewRules } from './views';

/** The one table of gradient rules, keyed by op kind and name. */
export const gradRules: GradRules = { primitive: primitiveRules, view: viewRules, fused: fusedRules };

export type { GradRule, GradRules, RuleContext } from './types';
