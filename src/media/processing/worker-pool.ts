import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MediaFailure, StorageFullError } from '../../domain/errors';
import type { Logger } from '../../observability/log';
import type { ImageTaskObserver } from '../../observability/metrics';
import { inSpan, SPAN_ATTRIBUTES } from '../../observability/spans';
import {
  tooCostlyToDecode,
  type DecodeLimits,
  type ImageProcessor,
  type ImageSize,
  type ImageSummary,
  type ProcessingTask,
  type RenderedImage,
  type RenditionRequest,
  type TaskReply,
  type TaskResult,
  type WrittenFile,
} from './types';

/** Settings of {@link WorkerPoolImageProcessor}, from `MEDIA_PROCESSING_*` and the decoding limits. */
export interface WorkerPoolOptions {
  /** Worker processes, so images decoded at once (`MEDIA_PROCESSING_CONCURRENCY`). */
  concurrency: number;
  /** Tasks that may wait for a worker; past it a task is refused as busy (`MEDIA_PROCESSING_QUEUE_LIMIT`). */
  queueLimit: number;
  /** Pixel, page and time limits of every task. */
  limits: DecodeLimits;
  logger: Logger;
  /** Told how long each task queued and ran, and of tasks refused (the server's metrics). */
  observer?: ImageTaskObserver;
}

/** A worker is replaced after this many tasks, so what libvips may leak or fragment is returned to the system. */
const TASKS_PER_WORKER = 200;
/** Longest a new worker may take to load (node, sharp) before it counts as broken. */
const WORKER_START_TIMEOUT_MS = 60_000;
/** Workers run below the serving process, so a busy decoder never takes the CPU from requests. */
const WORKER_NICENESS = 10;

/** The worker's entry beside this file: `worker.ts` under tsx and ts-jest, `worker.js` once built. */
function workerEntry(): { file: string; execArgv: string[] } {
  const extension = path.extname(__filename);
  const file = path.join(__dirname, `worker${extension}`);
  return { file, execArgv: extension === '.ts' ? ['--import', 'tsx'] : [] };
}

/** One worker process and the task it is running, if any. */
class Worker {
  private readonly child: ChildProcess;
  private pending?: {
    id: number;
    resolve: (value: TaskResult) => void;
    reject: (err: Error) => void;
    timer: NodeJS.Timeout;
  };
  private nextId = 0;
  tasksRun = 0;
  alive = true;
  /** Settles once the worker has loaded; a task's time limit starts only then. */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private failStart!: (err: Error) => void;

  constructor(logger: Logger) {
    const { file, execArgv } = workerEntry();
    this.child = fork(file, [], {
      execArgv,
      cwd: path.resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    try {
      if (this.child.pid) os.setPriority(this.child.pid, WORKER_NICENESS);
    } catch {
      // Not permitted here: the worker keeps the default priority.
    }
    // Whatever a worker prints becomes a log line, never raw output of the process.
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => logger.warn({ line }, 'image worker output'));
    }
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failStart = reject;
    });
    this.ready.catch(() => undefined);
    const startTimer = setTimeout(() => {
      this.failStart(MediaFailure.of('PROVIDER_UNAVAILABLE', 'An image worker did not start', { provider: 'LOCAL' }));
      this.kill();
    }, WORKER_START_TIMEOUT_MS);
    this.child.on('message', (reply: TaskReply) => {
      if ('ready' in reply) {
        clearTimeout(startTimer);
        this.markReady();
      } else this.settle(reply);
    });
    this.child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      this.failStart(MediaFailure.of('PROVIDER_UNAVAILABLE', 'An image worker stopped', { provider: 'LOCAL' }));
      this.alive = false;
      if (this.pending) {
        logger.warn({ code, signal }, 'image worker stopped during a task');
        this.fail(MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', 'The image could not be decoded (the decoder stopped)'));
      }
    });
    this.child.on('error', () => undefined);
  }

  async run(task: ProcessingTask, timeoutMs: number): Promise<TaskResult> {
    await this.ready;
    this.tasksRun += 1;
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      // The real deadline: a decoder stuck inside one libvips call never sees sharp's own timeout.
      const timer = setTimeout(() => {
        this.fail(tooCostlyToDecode());
        this.kill();
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
      this.child.send({ id, task });
    });
  }

  kill(): void {
    this.alive = false;
    this.child.kill('SIGKILL');
  }

  private settle(reply: Exclude<TaskReply, { ready: true }>): void {
    const pending = this.pending;
    if (!pending || pending.id !== reply.id) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.value);
    else if (reply.failure.code === 'NO_SPACE') pending.reject(new StorageFullError(reply.failure.message));
    else pending.reject(MediaFailure.of(reply.failure.code, reply.failure.message));
  }

  private fail(err: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.reject(err);
  }
}

/**
 * The default {@link ImageProcessor}: a pool of worker processes running
 * sharp, at most `concurrency` images at once. The serving process never
 * decodes, so neither its event loop nor its libuv threads (file reads, DNS)
 * wait on an image; a task past its time limit kills its worker and is
 * refused as too costly to decode; tasks beyond the queue limit are refused
 * as busy (PROVIDER_UNAVAILABLE, retryable).
 */
export class WorkerPoolImageProcessor implements ImageProcessor {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Tasks waiting for a worker now (for metrics and tests). */
  get queueDepth(): number {
    return this.waiting.length;
  }

  /** Tasks holding a worker now (for metrics). */
  get activeTasks(): number {
    return this.running;
  }

  async probe(file: string): Promise<ImageSize> {
    return (await this.run({ op: 'probe', path: file, limits: this.options.limits })) as ImageSize;
  }

  async render(sourcePath: string, contentType: string, folder: string): Promise<RenderedImage> {
    const task = { op: 'render', sourcePath, contentType, folder, limits: this.options.limits } as const;
    return (await this.run(task)) as RenderedImage;
  }

  async summarise(file: string): Promise<ImageSummary> {
    return (await this.run({ op: 'summarise', path: file, limits: this.options.limits })) as ImageSummary;
  }

  async renderRendition(
    sourcePath: string,
    contentType: string,
    outPath: string,
    request: RenditionRequest,
  ): Promise<WrittenFile> {
    const task = { op: 'rendition', sourcePath, contentType, outPath, request, limits: this.options.limits } as const;
    return (await this.run(task)) as WrittenFile;
  }

  /** Starts one worker and waits until it is loaded, so the first image does not wait for a process to start. */
  async warmUp(): Promise<void> {
    const worker = new Worker(this.options.logger);
    await worker.ready;
    this.idle.push(worker);
  }

  /** Stops every worker, busy ones too: a task still running then rejects, and nothing it would write is written. */
  close(): Promise<void> {
    this.closed = true;
    for (const worker of [...this.idle.splice(0), ...this.busy]) worker.kill();
    for (const wake of this.waiting.splice(0)) wake();
    return Promise.resolve();
  }

  /** One span per task (`image task <op>`), from its wait for a worker to its answer; the worker itself is not traced. */
  private run(task: ProcessingTask): Promise<TaskResult> {
    return inSpan(`image task ${task.op}`, { [SPAN_ATTRIBUTES.processingKind]: task.op }, () => this.runTask(task));
  }

  private async runTask(task: ProcessingTask): Promise<TaskResult> {
    const { observer } = this.options;
    const queued = performance.now();
    try {
      await this.acquire();
    } catch (err) {
      observer?.rejected(task.op);
      throw err;
    }
    const started = performance.now();
    const worker = this.idle.pop() ?? new Worker(this.options.logger);
    this.busy.add(worker);
    let result = 'ok';
    try {
      return await worker.run(task, this.options.limits.timeoutMs);
    } catch (err) {
      result = taskFailure(err);
      throw err;
    } finally {
      observer?.finished(task.op, result, (performance.now() - started) / 1000, (started - queued) / 1000);
      this.busy.delete(worker);
      if (worker.alive && !this.closed && worker.tasksRun < TASKS_PER_WORKER) this.idle.push(worker);
      else worker.kill();
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.closed) throw MediaFailure.of('PROVIDER_UNAVAILABLE', 'The subgraph is shutting down');
    if (this.running < this.options.concurrency) {
      this.running += 1;
      return;
    }
    if (this.waiting.length >= this.options.queueLimit) {
      throw MediaFailure.of('PROVIDER_UNAVAILABLE', 'Too many images are being processed; try again shortly', {
        provider: 'LOCAL',
      });
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.closed) throw MediaFailure.of('PROVIDER_UNAVAILABLE', 'The subgraph is shutting down');
    this.running += 1;
  }

  private release(): void {
    this.running -= 1;
    this.waiting.shift()?.();
  }
}

/** A failed task as a bounded label: the contract's error code, `STORAGE_FULL`, or `error`. */
function taskFailure(err: unknown): string {
  if (err instanceof MediaFailure) return err.error.code;
  if (err instanceof StorageFullError) return 'STORAGE_FULL';
  return 'error';
}
