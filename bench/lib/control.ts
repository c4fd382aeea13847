import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { memoryOf, resetPeakMemory } from './machine';

/** What a benchmark child answers about itself over IPC. */
export interface ChildUsage {
  /** CPU time used so far, user + system, in microseconds. */
  cpuMicros: number;
  peakBytes: number;
  rssBytes: number;
}

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export type ControlRequest =
  | { id: number; type: 'usage' }
  | { id: number; type: 'reset-peak' }
  | { id: number; type: 'delay-start' }
  | { id: number; type: 'delay-stop' }
  | { id: number; type: 'call'; name: string; args: unknown };

/**
 * The child side of the runner's control channel: reports CPU time, memory and
 * event-loop delay, and runs named jobs (`calls`) on request. Announces `url` once ready.
 */
export function serveControl(url: string, calls: Record<string, (args: unknown) => Promise<unknown>> = {}): void {
  let delay: IntervalHistogram | undefined;
  const answer = (id: number, result: unknown) => process.send?.({ id, result });
  process.on('message', (message: ControlRequest) => {
    switch (message.type) {
      case 'usage': {
        const cpu = process.cpuUsage();
        const memory = memoryOf('self');
        answer(message.id, {
          cpuMicros: cpu.user + cpu.system,
          peakBytes: memory.peak,
          rssBytes: memory.current,
        } satisfies ChildUsage);
        return;
      }
      case 'reset-peak':
        answer(message.id, resetPeakMemory('self'));
        return;
      case 'delay-start':
        delay = monitorEventLoopDelay({ resolution: 5 });
        delay.enable();
        answer(message.id, true);
        return;
      case 'delay-stop': {
        delay?.disable();
        const ms = (ns: number) => ns / 1e6;
        answer(message.id, {
          p50Ms: ms(delay?.percentile(50) ?? 0),
          p99Ms: ms(delay?.percentile(99) ?? 0),
          maxMs: ms(delay?.max ?? 0),
        } satisfies EventLoopDelay);
        return;
      }
      case 'call': {
        const call = calls[message.name];
        if (!call) {
          answer(message.id, { error: `no call ${message.name}` });
          return;
        }
        call(message.args).then(
          (result) => answer(message.id, { result }),
          (err: unknown) => answer(message.id, { error: err instanceof Error ? err.stack : String(err) }),
        );
        return;
      }
    }
  });
  // The runner owns this process: when it goes, so does the child.
  process.on('disconnect', () => process.exit(0));
  // A normal exit on SIGTERM, so `--cpu-prof` profiles get written when profiling a child.
  process.on('SIGTERM', () => process.exit(0));
  process.send?.({ ready: url });
}
