import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** Whether `taskset` can pin processes here (Linux with util-linux and at least two cores). */
export const canPin = os.cpus().length >= 2 && spawnSync('taskset', ['-p', String(process.pid)]).status === 0;

/** The core the servers run on and the one the load generators run on, when pinning is possible. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** The machine's line for the report. */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuCount: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    date: new Date().toISOString(),
    pinned: canPin,
  };
}

/** Cumulative CPU time of the whole machine from `/proc/stat`, for the steal share of an interval. */
export interface CpuTimes {
  total: number;
  steal: number;
}

export function readCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already inside user.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total, steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** The share of CPU time stolen by the hypervisor between two readings (0 when unknown). */
export function stealShare(before: CpuTimes | undefined, after: CpuTimes | undefined): number {
  if (!before || !after || after.total === before.total) return 0;
  return (after.steal - before.steal) / (after.total - before.total);
}

/** Peak and current resident memory of a process, in bytes, from `/proc/<pid>/status`. */
export function memoryOf(pid: number | 'self'): { peak: number; current: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kib('VmHWM'), current: kib('VmRSS') };
}

/** Resets a process's `VmHWM` to its current RSS (Linux `clear_refs` 5), so a peak can be read per measurement. */
export function resetPeakMemory(pid: number | 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
