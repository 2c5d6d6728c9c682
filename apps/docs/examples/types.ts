/** How an example reports: one call per printed line (console in Node, the page's output box in the docs). */
export type Print = (line: string) => void;

/** Every file in examples/ (except this one and tests) exports these. */
export interface Example {
  readonly title: string;
  run(print: Print): Promise<void> | void;
}
