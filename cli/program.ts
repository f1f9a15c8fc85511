import { Command } from 'commander';
import type * as z from '../core/domain/zod';
import type { StreamRecord } from '../core/domain/record';
import type { SplitAcceptedSchema } from '../api/schemas';
import type { SplitProgressViewSchema } from '../api/split-progress-schemas';
import { apiClient, DEFAULT_API, type ApiClient } from './api-client';
import * as bodies from './bodies';
import { CommandFailed, UsageError, WaitFailed } from './errors';
import { obsSettings } from '../console/obs';
import * as out from './output';
import { followAction, followSplit, progressLine, type Outcome } from './waiter';

/**
 * The command tree (docs/CLI.md): each command maps its arguments to one API request (bodies.ts),
 * sends it (api-client.ts), follows it with `--wait` (waiter.ts) and prints the answer
 * (output.ts, or the API's JSON with `--json`).
 */

/** Where output goes; `isTTY` decides how the progress line is drawn. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
}

interface Globals {
  api?: string;
  apiHost?: string;
  json?: boolean;
  idempotencyKey?: string;
  wait?: boolean;
  timeout: string;
}

interface Context {
  client: ApiClient;
  idempotencyKey?: string;
  wait: boolean;
  timeoutMs: number;
  /** `json` with --json (nothing when undefined), else the readable text, rendered only then. */
  print(json: unknown, readable: string | (() => string)): void;
  progress: ReturnType<typeof progressLine>;
}

const DEFAULT_TIMEOUT_SECONDS = 900;

const repeatable = (value: string, previous?: string[]) => [...(previous ?? []), value];

export function buildProgram(io: Io, startConsole: ConsoleStarter): Command {
  const program = new Command('fmls')
    .description('Operate FrontMaster Live Stream streams through its HTTP API (docs/CLI.md).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .option('--api <url>', `the API base URL (cloud: https://{api}.execute-api.{region}.amazonaws.com/{stage}); default $FMLS_API, else ${DEFAULT_API}`)
    .option('--api-host <host>', 'the host name to send and sign when --api is another address for it (a VPC endpoint, a tunnel)')
    .option('--json', "print the API's JSON instead of tables")
    .option('--idempotency-key <key>', 'sent as the Idempotency-Key header of the write: a retry with the same key returns the first answer')
    .option('--wait', 'follow the workflow to its outcome (progress on stderr)')
    .option('--timeout <seconds>', 'how long --wait waits', String(DEFAULT_TIMEOUT_SECONDS))
    .showHelpAfterError('(fmls --help for usage)');

  const context = (cmd: Command): Context => {
    const g = cmd.optsWithGlobals<Globals>();
    const timeout = Number(g.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${g.timeout}"`);
    const json = g.json === true;
    return {
      // FMLS_API read from `io.env`, not commander's process.env lookup: what a command sees is what it was given.
      client: apiClient({ api: g.api ?? io.env.FMLS_API ?? DEFAULT_API, apiHost: g.apiHost, env: io.env }),
      idempotencyKey: g.idempotencyKey,
      wait: g.wait === true,
      timeoutMs: timeout * 1000,
      progress: progressLine(io.stderr),
      print(value, readable) {
        if (json) {
          if (value !== undefined) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
        } else io.stdout.write(`${typeof readable === 'function' ? readable() : readable}\n`);
      },
    };
  };

  /** A request that may start a workflow: sends it, follows it with --wait, prints the record. */
  const lifecycle = async (
    cmd: Command,
    { action, method, path, id, body }: { action: string; method: string; path: string; id?: string; body?: unknown },
  ): Promise<void> => {
    const c = context(cmd);
    const since = Date.now();
    const reply = await c.client.request(method, path, { body, idempotencyKey: c.idempotencyKey });
    let record = reply.status === 204 ? undefined : (reply.body as StreamRecord);
    const streamId = id ?? record?.id;
    let outcome: Outcome<StreamRecord | undefined> | undefined;
    if (c.wait && reply.status === 202 && streamId) {
      outcome = await followAction(c.client, { action, id: streamId, answered: record, since }, { timeoutMs: c.timeoutMs, progress: c.progress });
      record = outcome.value;
    }
    if (record) c.print(record, () => out.streamRecord(record));
    else if (action === 'delete') c.print(reply.body, `stream ${streamId} deleted`);
    else if (streamId) {
      // 204: done (live, unlive); the record says where it now plays.
      const now = (await c.client.request('GET', `/streams/${streamId}`)).body as StreamRecord;
      c.print(undefined, now.live ? `stream ${streamId} is live: ${out.cell(now.live_endpoint)}` : `stream ${streamId} is not live`);
    }
    if (outcome?.failure) throw new WaitFailed(outcome.failure);
  };

  const show = async (cmd: Command, path: string, render: (body: never) => string) => {
    const c = context(cmd);
    const { body } = await c.client.request('GET', path);
    c.print(body, () => render(body as never));
  };

  const streams = program.command('streams').description('streams: list, create, start, stop, live, …');
  streams.command('list').description('every stream, newest first').action((_o, cmd: Command) => show(cmd, '/streams', out.streamList));
  streams
    .command('get <ID>')
    .description('one stream record (stream keys hidden: see `streams obs`)')
    .action((id: string, _o, cmd: Command) => show(cmd, `/streams/${bodies.streamId(id)}`, out.streamRecord));
  const streamFields = (c: Command) =>
    c
      .option('--description <text>', 'free text, up to 1024 chars')
      .option('--segment-length <seconds>', 'archive segment length, 1–3600 (default 300)')
      .option('--max-session-seconds <n>', 'stop a session after this long: 60–604800, 0 = no limit (default 21600)')
      .option('--idle-stop-seconds <n>', 'stop when nothing is pushed for this long: 60–86400, 0 = never (default 1800)');
  streamFields(streams.command('create').description('create a stream (with --wait: until idle)').requiredOption('--name <name>', 'its name, 1–128 chars')).action(
    (opts: bodies.Flags, cmd: Command) => lifecycle(cmd, { action: 'create', method: 'POST', path: '/streams', body: bodies.createBody(opts) }),
  );
  streamFields(streams.command('update <ID>').description('change name, description, segment length, guards').option('--name <name>', 'its name, 1–128 chars')).action(
    (id: string, opts: bodies.Flags, cmd: Command) =>
      lifecycle(cmd, { action: 'update', method: 'POST', path: `/streams/${bodies.streamId(id)}`, id, body: bodies.updateBody(opts) }),
  );
  streams
    .command('start <ID>')
    .description('start the channel into a new recording session (with --wait: until running)')
    .option('--path <s3uri>', 'where the session is recorded, s3://{archive bucket}/prefix/')
    .option('--startover-window-seconds <n>', 'HLS history kept, 0–1209600 (default 3600)')
    .option('--key-rotation-interval <n>', 'HLS key rotation, 0 = none, else 60–86400 (default 60)')
    .option('--max-session-seconds <n>', 'this session only: 60–604800, 0 = no limit')
    .option('--idle-stop-seconds <n>', 'this session only: 60–86400, 0 = never')
    .action((id: string, opts: bodies.Flags, cmd: Command) =>
      lifecycle(cmd, { action: 'start', method: 'POST', path: `/streams/${bodies.streamId(id)}/start`, id, body: bodies.startBody(opts) }),
    );
  const simple = (name: string, action: string, method: string, suffix: string, description: string) =>
    streams
      .command(`${name} <ID>`)
      .description(description)
      .action((id: string, _o, cmd: Command) => lifecycle(cmd, { action, method, path: `/streams/${bodies.streamId(id)}${suffix}`, id }));
  simple('stop', 'stop', 'POST', '/stop', 'stop the channel (with --wait: until idle)');
  simple('live', 'live', 'POST', '/live', 'serve it through the live distribution');
  simple('unlive', 'unlive', 'DELETE', '/live', 'take it off the live distribution');
  simple('delete', 'delete', 'DELETE', '', 'delete it and its resources, recordings kept (with --wait: until gone)');
  streams
    .command('obs <ID>')
    .description('the OBS settings (Settings → Stream → Custom): Server and Stream key')
    .action(async (id: string, _o, cmd: Command) => {
      const c = context(cmd);
      const record = (await c.client.request('GET', `/streams/${bodies.streamId(id)}`)).body as StreamRecord;
      const primary = obsSettings(record.rtmp1);
      const backup = obsSettings(record.rtmp2);
      if (!primary || !backup) throw new CommandFailed(`stream ${record.id} has no RTMP input yet (state ${record.state})`);
      c.print({ server: primary.server, stream_key: primary.streamKey, backup_server: backup.server, backup_stream_key: backup.streamKey }, () => out.obs(primary, backup));
    });

  program
    .command('split <ID>')
    .description("cut sections of a session's recording into MP4s (with --wait: until every section is done)")
    .requiredOption('--session <SESSION>', 'the session id (a key of archives_path)')
    .requiredOption('--section <START:END>', 'a section in seconds from the start of the recording, e.g. 2:12.5 (repeat for more)', repeatable)
    .option('--name-modifier <m>', 'names the outputs, [A-Za-z0-9_-]{1,64}')
    .action(async (rawId: string, opts: bodies.Flags, cmd: Command) => {
      const id = bodies.streamId(rawId);
      const body = bodies.splitBody(opts);
      const c = context(cmd);
      const accepted = (await c.client.request('POST', `/streams/${id}/split`, { body, idempotencyKey: c.idempotencyKey })).body as z.infer<typeof SplitAcceptedSchema>;
      if (!c.wait) return c.print(accepted, () => out.splitAccepted(accepted));
      const outcome = await followSplit(c.client, `/streams/${id}/splits/${encodeURIComponent(accepted.execution_id)}`, { timeoutMs: c.timeoutMs, progress: c.progress });
      c.print(outcome.value, () => out.splitProgress(outcome.value));
      if (outcome.failure) throw new WaitFailed(outcome.failure);
    });
  program
    .command('splits')
    .description("a split's progress")
    .command('get <ID> <EXECUTION_ID>')
    .description('each section with its state and, once done, its download_url')
    .action((id: string, execution: string, _o, cmd: Command) =>
      show(cmd, `/streams/${bodies.streamId(id)}/splits/${bodies.executionId(id, execution)}`, (s: z.infer<typeof SplitProgressViewSchema>) => out.splitProgress(s)),
    );

  const schedules = program.command('schedules').description('timed starts and stops');
  schedules.command('list <ID>').description("a stream's schedules, soonest first").action((id: string, _o, cmd: Command) => show(cmd, `/streams/${bodies.streamId(id)}/schedules`, out.schedules));
  schedules
    .command('create <ID>')
    .description('schedule a start or a stop')
    .requiredOption('--action <action>', 'start or stop')
    .requiredOption('--at <iso8601>', 'when, ISO-8601 UTC, e.g. 2026-05-01T09:00:00Z (at least 10 s ahead)')
    .action(async (rawId: string, opts: bodies.Flags, cmd: Command) => {
      const id = bodies.streamId(rawId);
      const body = bodies.scheduleBody(opts, new Date());
      const c = context(cmd);
      const { body: created } = await c.client.request('POST', `/streams/${id}/schedules`, { body, idempotencyKey: c.idempotencyKey });
      c.print(created, () => out.schedules([created as never]));
    });
  schedules
    .command('cancel <ID> <SCHEDULE_ID>')
    .description('cancel a schedule that has not fired')
    .action(async (rawId: string, rawSchedule: string, _o, cmd: Command) => {
      const id = bodies.streamId(rawId);
      const scheduleId = bodies.scheduleId(id, rawSchedule);
      const c = context(cmd);
      await c.client.request('DELETE', `/streams/${id}/schedules/${scheduleId}`, { idempotencyKey: c.idempotencyKey });
      c.print(undefined, `schedule ${scheduleId} cancelled`);
    });

  const executions = program.command('executions').description("a stream's workflow executions");
  executions.command('list <ID>').description('newest first, with the step each is in').action((id: string, _o, cmd: Command) => show(cmd, `/streams/${bodies.streamId(id)}/executions`, out.executions));
  executions
    .command('get <ID> <EXECUTION_ID>')
    .description('one execution and every state it entered (EXECUTION_ID: its ARN or name)')
    .action((id: string, execution: string, _o, cmd: Command) => show(cmd, `/streams/${bodies.streamId(id)}/executions/${bodies.executionId(id, execution)}`, out.executionDetail));

  for (const [name, target] of [
    ['chime', 'the Chime connector: broadcast a meeting into the stream'],
    ['ivs', 'the IVS connector: broadcast a meeting to Amazon IVS'],
  ] as const) {
    const group = program.command(name).description(target);
    group
      .command('start <ID>')
      .description('start the connector (with --wait: until it runs)')
      .requiredOption('--url <url>', 'the meeting URL')
      .action((id: string, opts: bodies.Flags, cmd: Command) =>
        lifecycle(cmd, { action: `${name}_start`, method: 'POST', path: `/streams/${bodies.streamId(id)}/${name}_start`, id, body: bodies.chimeBody(opts) }),
      );
    group
      .command('stop <ID>')
      .description('stop the connector')
      .action((id: string, _o, cmd: Command) => lifecycle(cmd, { action: `${name}_stop`, method: 'POST', path: `/streams/${bodies.streamId(id)}/${name}_stop`, id }));
  }

  const webhooks = program.command('webhooks').description('HTTPS receivers of stream events');
  webhooks.command('list').description('every webhook (no secrets)').action((_o, cmd: Command) => show(cmd, '/webhooks', out.webhooks));
  webhooks
    .command('create')
    .description('add a webhook; its signing secret is shown once')
    .requiredOption('--url <url>', 'where events are POSTed (https)')
    .option('--event <kind>', 'an event kind to receive, e.g. stream.running (repeat for more; default every kind)', repeatable)
    .option('--description <text>', 'free text')
    .action(async (opts: bodies.Flags, cmd: Command) => {
      const body = bodies.webhookBody(opts);
      const c = context(cmd);
      const { body: created } = await c.client.request('POST', '/webhooks', { body, idempotencyKey: c.idempotencyKey });
      c.print(created, () => out.webhookCreated(created as never));
    });
  webhooks
    .command('delete <WEBHOOK_ID>')
    .description('remove a webhook')
    .action(async (raw: string, _o, cmd: Command) => {
      const id = bodies.webhookId(raw);
      const c = context(cmd);
      await c.client.request('DELETE', `/webhooks/${id}`, { idempotencyKey: c.idempotencyKey });
      c.print(undefined, `webhook ${id} deleted`);
    });
  webhooks
    .command('deliveries <WEBHOOK_ID>')
    .description("a webhook's deliveries, newest first")
    .action((raw: string, _o, cmd: Command) => show(cmd, `/webhooks/${bodies.webhookId(raw)}/deliveries`, out.deliveries));

  program
    .command('console')
    .description('serve the operator console on 127.0.0.1, proxying --api (SigV4-signed for the cloud)')
    .option('--port <port>', 'the local port (0: any free one)', '3100')
    .action(async (opts: { port: string }, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, got "${opts.port}"`);
      await startConsole({ client: context(cmd).client, port, io });
    });

  return program;
}

export type ConsoleStarter = (options: { client: ApiClient; port: number; io: Io }) => Promise<void>;
