import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

/**
 * One local service's state as a JSON file under `LOCAL_DATA_DIR`, so channels, inputs, endpoints
 * and live routes survive a restart. Writes go to a temporary file that is renamed over the old
 * one, so a crash mid-write leaves the previous state, never half a file. Without a path (tests)
 * the state lives in memory only.
 *
 * Reads and writes are synchronous on purpose: the files are small, and a service that mutates
 * its state and persists it in one synchronous step can never interleave two writes.
 */
export class JsonStateFile<T> {
  constructor(
    private readonly path: string | undefined,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The saved state, or `initial` when there is none yet (first start, or in memory). */
  load(initial: T): T {
    if (!this.path) return initial;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return initial;
      throw err;
    }
    const parsed = this.schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`local state file ${this.path} is not valid: ${parsed.error.message}`);
    return parsed.data;
  }

  save(state: T): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state, null, 1));
    renameSync(temporary, this.path);
  }
}
