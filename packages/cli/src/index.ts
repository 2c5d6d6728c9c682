/**
 * @packageDocumentation
 * The `strata` command line: train, eval, predict, bench, info.
 *
 * This package is a skeleton: its public API arrives with issue #7 and is
 * specified in ../../shared/DESIGN.md. It deliberately exports nothing yet, so
 * that no caller can depend on a placeholder.
 */
export {};
