/**
 * Preloaded into a runtime under measurement (`node --expose-gc --import ./bench/memory-probe.ts`):
 * answers its parent over the IPC channel, so the figures come from inside the process and after a
 * full collection, not from RSS alone (which keeps freed pages for a while).
 *
 * - `{ probe: 'memory' }` → `{ rss, heapUsed, external, arrayBuffers }` in bytes, after `gc()`.
 * - `{ probe: 'snapshot', file }` → `{ file }` once a heap snapshot is written there (compare two
 *   in Chrome DevTools' Memory tab, "Comparison" view).
 */
import { writeHeapSnapshot } from 'node:v8';

type Probe = { probe: 'memory' } | { probe: 'snapshot'; file: string };

const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: Probe) => {
  if (message.probe === 'memory') {
    gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.send?.({ rss, heapUsed, external, arrayBuffers, collected: gc !== undefined });
  } else if (message.probe === 'snapshot') {
    gc?.();
    process.send?.({ file: writeHeapSnapshot(message.file) });
  }
});
// The IPC channel must not keep the runtime alive once it wants to exit.
process.channel?.unref();
