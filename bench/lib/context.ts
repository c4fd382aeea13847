import type { BenchChild } from './child';

/** What every scenario gets from the runner. */
export interface BenchContext {
  /** A scratch folder for this run, removed at the end. */
  workDir: string;
  /** The load-generator process, on the other core. */
  load: BenchChild;
  rounds: number;
  /** Length of one closed-loop load measurement. */
  seconds: number;
  log(line: string): void;
}

/** One scenario's part of the report. */
export interface Section {
  title: string;
  /** Markdown: the method in a sentence or two, tables, and each target with its verdict. */
  body: string;
  /** Each target and whether this run met it. */
  targets: { name: string; met: boolean; detail: string }[];
}
