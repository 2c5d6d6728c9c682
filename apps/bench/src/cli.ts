import { parseArgs } from 'node:util';
import { formatCase } from './report';
import { runSuite } from './runner';
import { loadSuites } from './suites';
import type { CaseResult } from './types';

const usage = `Usage: pnpm bench [suite ...] [--warmup N] [--reps N] [--json]

Runs the named suites (all when none is named). Each implementation of a case
is warmed up, then timed --reps times; medians are reported, with speedups
relative to the first peer library in the same run.

Options:
  --warmup N   untimed iterations first (default 3)
  --reps N     timed iterations (default 10)
  --json       print the results as JSON instead of tables
  --list       list the suites and exit
  -h, --help   show this help`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`bench: --${name} expects a non-negative integer, got '${value}'`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      allowPositionals: true,
      options: {
        warmup: { type: 'string' },
        reps: { type: 'string' },
        json: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(usage);

  const suites = await loadSuites();
  if (values.list) {
    for (const s of suites) console.log(`${s.name.padEnd(16)} ${s.description}`);
    return;
  }
  const unknown = positionals.filter((p) => !suites.some((s) => s.name === p));
  if (unknown.length > 0) {
    console.error(`bench: unknown suite(s): ${unknown.join(', ')}. Available: ${suites.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const selected = positionals.length > 0 ? suites.filter((s) => positionals.includes(s.name)) : suites;
  const options = {
    warmup: positiveInt('warmup', values.warmup, 3),
    repetitions: Math.max(1, positiveInt('reps', values.reps, 10)),
  };

  const all: CaseResult[] = [];
  for (const suite of selected) {
    if (!values.json)
      console.log(
        `\n## ${suite.name}: ${suite.description} (warm-up ${options.warmup}, ${options.repetitions} timed runs, medians)\n`,
      );
    const onResult = (r: CaseResult) => values.json || console.log(`${formatCase(r, options)}\n`);
    all.push(...(await (suite.run ? suite.run(options, onResult) : runSuite(suite, options, onResult))));
  }
  if (values.json) console.log(JSON.stringify({ node: process.version, options, results: all }, null, 2));
}

await main();
