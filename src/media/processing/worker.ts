/**
 * Entry point of an image worker process (forked by worker-pool.ts). Takes
 * one task at a time over IPC and answers with the result or the refusal;
 * anything unexpected is reported, never thrown past the message handler.
 */
import { MediaFailure } from '../../domain/errors';
import { probe, render, renderRendition, summarise } from './renderer';
import type { ProcessingTask, TaskFailure, TaskReply } from './types';

function failureOf(err: unknown): TaskFailure {
  if (err instanceof MediaFailure) return { code: err.error.code, message: err.error.message };
  const message = String((err as Error)?.message ?? err);
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || /No space left|quota/i.test(message)) {
    return { code: 'NO_SPACE', message: 'No space left for the image' };
  }
  return { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The image could not be decoded' };
}

async function run(task: ProcessingTask) {
  if (task.op === 'probe') {
    const { width, height } = await probe(task.path, task.limits);
    return { width, height };
  }
  if (task.op === 'summarise') return summarise(task.path, task.limits);
  if (task.op === 'rendition') {
    return renderRendition(task.sourcePath, task.contentType, task.outPath, task.request, task.limits);
  }
  return render(task.sourcePath, task.contentType, task.folder, task.limits);
}

process.on('message', (message: { id: number; task: ProcessingTask }) => {
  run(message.task).then(
    (value) => process.send?.({ id: message.id, ok: true, value } satisfies TaskReply),
    (err: unknown) => process.send?.({ id: message.id, ok: false, failure: failureOf(err) } satisfies TaskReply),
  );
});
// The parent going away ends the worker.
process.on('disconnect', () => process.exit(0));
// Loaded (sharp included): tasks may come, and their time starts now.
process.send?.({ ready: true });
