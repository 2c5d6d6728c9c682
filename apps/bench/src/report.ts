import { formatMs, formatRate } from './stats';
import type { CaseResult } from './types';

/** A plain-text table per case: median time, throughput, and speed relative to the first peer. */
export function formatCase(result: CaseResult): string {
  const rows = result.results.map((r) => [
    r.peer ? `${r.name} (peer)` : r.name,
    formatMs(r.medianMs),
    r.throughput !== undefined && result.work ? formatRate(r.throughput, result.work.unit) : '',
    result.baseline ? `${(result.speedup[r.name] ?? Number.NaN).toFixed(2)}x` : '',
    r.note ?? '',
  ]);
  const header = ['implementation', 'median', 'throughput', result.baseline ? `vs ${result.baseline}` : '', 'note'];
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  const lines = table.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return [`${result.suite} / ${result.case}`, ...lines.map((l) => `  ${l}`)].join('\n');
}
