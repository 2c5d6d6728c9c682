/** Median of a non-empty sample; the mean of the two middle values for even sizes. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median: need at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const prefixes: ReadonlyArray<readonly [number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 41.2e9 FLOP/s -> "41.2 GFLOP/s". */
export function formatRate(perSecond: number, unit: string): string {
  for (const [scale, prefix] of prefixes) {
    if (Math.abs(perSecond) >= scale) return `${(perSecond / scale).toPrecision(3)} ${prefix}${unit}/s`;
  }
  return `${perSecond.toPrecision(3)} ${unit}/s`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}
