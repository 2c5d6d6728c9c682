import { formatMs, formatRate } from './stats';
import type { CaseResult, RunOptions } from './types';

/**
 * A plain-text table per case: median time, throughput, and speed relative to
 * the first available peer; an unavailable implementation gets its reason in
 * the note column. Given the run's options, the title also says when the case
 * ran fewer iterations than those (its limits).
 */
export function formatCase(result: CaseResult, runOptions?: RunOptions): string {
  const rows = result.results.map((r) =>
    r.unavailable !== undefined
      ? [
          r.peer ? `${r.name} (peer)` : r.name,
          'unavailable',
          '',
          '',
          [`unavailable: ${r.unavailable}`, r.note].filter(Boolean).join('; '),
        ]
      : [
          r.peer ? `${r.name} (peer)` : r.name,
          formatMs(r.medianMs),
          r.throughput !== undefined && result.work ? formatRate(r.throughput, result.work.unit) : '',
          result.baseline ? `${(result.speedup[r.name] ?? Number.NaN).toFixed(2)}x` : '',
          r.note ?? '',
        ],
  );
  const header = ['implementation', 'median', 'throughput', result.baseline ? `vs ${result.baseline}` : '', 'note'];
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  const lines = table.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const { warmup, repetitions } = result.options;
  const capped =
    runOptions && (warmup !== runOptions.warmup || repetitions !== runOptions.repetitions)
      ? ` (warm-up ${warmup}, ${repetitions} timed runs)`
      : '';
  return [`${result.suite} / ${result.case}${capped}`, ...lines.map((l) => `  ${l}`)].join('\n');
}
