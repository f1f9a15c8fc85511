import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { JsonStateFile } from '../state-files';
import type { StoredEvent } from './history';

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export const ExecutionRecordSchema = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  status: z.enum(EXECUTION_STATUSES),
  startDate: z.string(),
  stopDate: z.string().optional(),
  input: z.string(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
export type ExecutionRecord = z.infer<typeof ExecutionRecordSchema>;

/**
 * Where executions are kept: per execution, `{name}.json` (what DescribeExecution answers, rewritten
 * when the status changes) and `{name}.events.jsonl` (its history, appended event by event as it
 * runs, so what happened up to a crash is still there after it). Without a directory (tests), in
 * memory.
 */
export class ExecutionFiles {
  private readonly memory = new Map<string, StoredEvent[]>();

  constructor(private readonly dir: string | undefined) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  loadAll(): ExecutionRecord[] {
    if (!this.dir) return [];
    const dir = this.dir;
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => ExecutionRecordSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
  }

  save(record: ExecutionRecord): void {
    new JsonStateFile(this.dir && join(this.dir, `${this.baseName(record)}.json`), ExecutionRecordSchema).save(record);
  }

  append(record: ExecutionRecord, events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    if (!this.dir) {
      this.memory.set(record.executionArn, [...(this.memory.get(record.executionArn) ?? []), ...events]);
      return;
    }
    appendFileSync(join(this.dir, `${this.baseName(record)}.events.jsonl`), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }

  events(record: ExecutionRecord): StoredEvent[] {
    if (!this.dir) return this.memory.get(record.executionArn) ?? [];
    let text: string;
    try {
      text = readFileSync(join(this.dir, `${this.baseName(record)}.events.jsonl`), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    // A crash can cut the last line short; everything before it is whole.
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as StoredEvent];
        } catch {
          return [];
        }
      });
  }

  /** Execution names are unique per state machine: `{state machine}.{execution}`, made safe for a file name. */
  private baseName(record: ExecutionRecord): string {
    const machine = record.stateMachineArn.slice(record.stateMachineArn.lastIndexOf(':') + 1);
    return encodeURIComponent(`${machine}.${record.name}`);
  }
}
