import type { Action } from '../core/domain/actions';
import { ExecutionDetailSchema } from '../core/aws/executions';
import { StreamRecordSchema } from '../core/domain/record';
import { getExecution, listExecutions } from './actions/executions';
import { chimeStart, chimeStop, deleteStream, goLive, ivsStart, ivsStop, leaveLive, startStream, stopStream } from './actions/lifecycle';
import { cancelSchedule, createSchedule, getSchedules } from './actions/schedules';
import { splitStream } from './actions/split';
import { createWebhook, deleteWebhook, getDeliveries, getWebhooks } from './actions/webhooks';
import { getSplit } from './actions/splits';
import { getSessionPlaylist } from './actions/sessions';
import * as z from '../core/domain/zod';
import { PLAYLIST_CONTENT_TYPE } from '../core/domain/hls-playlist';
import { SplitProgressViewSchema } from './split-progress-schemas';
import { requireArchiveBucket } from './archive-bucket';
import { createStream, getStream, listStreams, updateStream } from './actions/streams';
import { defineRoute, type ResponseDoc, type Route } from './route';
import {
  ChimeBodySchema,
  CreateStreamBodySchema,
  ExecutionListSchema,
  ExecutionPathSchema,
  ScheduleBodySchema,
  ScheduleListSchema,
  SchedulePathSchema,
  ScheduleViewSchema,
  SessionPathSchema,
  SplitAcceptedSchema,
  SplitBodySchema,
  StartBodySchema,
  StreamListSchema,
  StreamPathSchema,
  UpdateStreamBodySchema,
} from './schemas';
import { DeliveryListSchema, WebhookBodySchema, WebhookCreatedSchema, WebhookListSchema, WebhookPathSchema } from './webhook-schemas';

const record = (description: string): ResponseDoc => ({ description, schema: StreamRecordSchema });
const stillRunning = record('Still running after `API_WAIT_SECONDS`: the record as it stands.');

/** The route that starts each action's workflow: an action without one is a compile error. */
const ACTION_ROUTES = {
  create: defineRoute({
    method: 'POST',
    path: '/streams',
    operationId: 'createStream',
    summary: 'Creates a stream: MediaLive input and channel, MediaPackage channel and endpoint.',
    body: CreateStreamBodySchema,
    responses: { 201: record('Created: the record, `idle`.'), 202: record('Still creating: the record, `creating`.') },
    errors: [400],
    run: createStream,
  }),
  update: defineRoute({
    method: 'POST',
    path: '/streams/{id}',
    operationId: 'updateStream',
    summary: 'Updates name, description and segment_length.',
    params: StreamPathSchema,
    body: UpdateStreamBodySchema,
    responses: { 200: record('The updated record.'), 202: stillRunning },
    errors: [400, 404, 409],
    run: updateStream,
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/streams/{id}',
    operationId: 'deleteStream',
    summary: 'Deletes the stream and its resources (recordings are kept).',
    params: StreamPathSchema,
    responses: { 202: record('Deleting: the record, `deleting`.') },
    errors: [400, 404, 409],
    run: deleteStream,
  }),
  start: defineRoute({
    method: 'POST',
    path: '/streams/{id}/start',
    operationId: 'startStream',
    summary: 'Starts the channel into a new archive session.',
    params: StreamPathSchema,
    body: StartBodySchema,
    bodyOptional: true,
    responses: { 202: record('Starting: the record, `starting`, with the new session.') },
    errors: [400, 404, 409],
    check: ({ body, services }) => requireArchiveBucket(body.path, 'path', services.config),
    run: startStream,
  }),
  stop: defineRoute({
    method: 'POST',
    path: '/streams/{id}/stop',
    operationId: 'stopStream',
    summary: 'Stops the channel.',
    params: StreamPathSchema,
    responses: { 202: record('Stopping: the record, `stopping`.') },
    errors: [400, 404, 409],
    run: stopStream,
  }),
  live: defineRoute({
    method: 'POST',
    path: '/streams/{id}/live',
    operationId: 'goLive',
    summary: 'Serves the stream through the live distribution.',
    params: StreamPathSchema,
    responses: { 204: { description: 'Live.' }, 202: stillRunning },
    errors: [400, 404, 409],
    run: goLive,
  }),
  unlive: defineRoute({
    method: 'DELETE',
    path: '/streams/{id}/live',
    operationId: 'leaveLive',
    summary: 'Removes the stream from the live distribution.',
    params: StreamPathSchema,
    responses: { 204: { description: 'Not live.' }, 202: stillRunning },
    errors: [400, 404],
    run: leaveLive,
  }),
  split: defineRoute({
    method: 'POST',
    path: '/streams/{id}/split',
    operationId: 'splitStream',
    summary: "Cuts sections of a session's recording into MP4s.",
    params: StreamPathSchema,
    body: SplitBodySchema,
    responses: { 202: { description: 'The split execution and its planned outputs.', schema: SplitAcceptedSchema } },
    errors: [400, 404, 422],
    run: splitStream,
  }),
  chime_start: defineRoute({
    method: 'POST',
    path: '/streams/{id}/chime_start',
    operationId: 'chimeStart',
    summary: 'Broadcasts a Chime meeting into the stream.',
    params: StreamPathSchema,
    body: ChimeBodySchema,
    responses: { 202: record('The record, `connector.state` `starting`.') },
    errors: [400, 404, 409],
    run: chimeStart,
  }),
  chime_stop: defineRoute({
    method: 'POST',
    path: '/streams/{id}/chime_stop',
    operationId: 'chimeStop',
    summary: 'Stops the Chime connector.',
    params: StreamPathSchema,
    responses: { 202: record('The record.') },
    errors: [400, 404, 409],
    run: chimeStop,
  }),
  ivs_start: defineRoute({
    method: 'POST',
    path: '/streams/{id}/ivs_start',
    operationId: 'ivsStart',
    summary: 'Broadcasts a Chime meeting to the stream\'s IVS channel.',
    params: StreamPathSchema,
    body: ChimeBodySchema,
    responses: { 202: record('The record, `connector.state` `starting`.') },
    errors: [400, 404, 409],
    run: ivsStart,
  }),
  ivs_stop: defineRoute({
    method: 'POST',
    path: '/streams/{id}/ivs_stop',
    operationId: 'ivsStop',
    summary: 'Stops the IVS connector.',
    params: StreamPathSchema,
    responses: { 202: record('The record.') },
    errors: [400, 404, 409],
    run: ivsStop,
  }),
} satisfies Record<Action, Route>;

/**
 * The HTTP API: method + path → schemas → action. The handler routes and validates by this table
 * and `openapi.ts` documents it (`docs/openapi.json`, `docs/API.md`), so adding a route is one
 * entry here (an action's, in {@link ACTION_ROUTES}).
 */
export const ROUTES: readonly Route[] = [
  defineRoute({
    method: 'GET',
    path: '/streams',
    operationId: 'listStreams',
    summary: 'Every stream, newest last_update first.',
    responses: { 200: { description: 'The streams.', schema: StreamListSchema } },
    errors: [],
    run: listStreams,
  }),
  defineRoute({
    method: 'GET',
    path: '/streams/{id}',
    operationId: 'getStream',
    summary: 'One stream.',
    params: StreamPathSchema,
    responses: { 200: record('The record.') },
    errors: [400, 404],
    run: getStream,
  }),
  ...Object.values(ACTION_ROUTES),
  defineRoute({
    method: 'GET',
    path: '/streams/{id}/executions',
    operationId: 'listExecutions',
    summary: "The stream's workflow executions, newest first.",
    params: StreamPathSchema,
    responses: { 200: { description: 'The executions.', schema: ExecutionListSchema } },
    errors: [400, 404],
    run: listExecutions,
  }),
  defineRoute({
    method: 'GET',
    path: '/streams/{id}/executions/{execution_id}',
    operationId: 'getExecution',
    summary: 'One execution with its output and state history.',
    params: ExecutionPathSchema,
    responses: { 200: { description: 'The execution.', schema: ExecutionDetailSchema } },
    errors: [400, 404],
    run: getExecution,
  }),
  defineRoute({
    method: 'GET',
    path: '/streams/{id}/splits/{execution_id}',
    operationId: 'getSplit',
    summary: "A split's progress: each section's state and, once done, its download URL.",
    params: ExecutionPathSchema,
    responses: { 200: { description: 'The split.', schema: SplitProgressViewSchema } },
    errors: [400, 404],
    run: getSplit,
  }),
  defineRoute({
    method: 'GET',
    path: '/streams/{id}/sessions/{session_id}/playlist.m3u8',
    operationId: 'getSessionPlaylist',
    summary: "A session's recording as one HLS VOD playlist, for a player: the split's timeline (time t here is time t of `timestamp_list`).",
    params: SessionPathSchema,
    responses: {
      200: {
        description:
          'An HLS VOD playlist (`EXT-X-ENDLIST`) of the session\'s archive segments from one pipeline (the other\'s where it lacks one; a segment neither recorded is an `EXT-X-GAP`), ' +
          'each an absolute URL: presigned GETs valid 1 h in the cloud, or until the signing role\'s session ends if sooner (read the route again for fresh ones), `http://127.0.0.1:{S3_PORT}/{bucket}/{key}` locally. ' +
          'A comment line `# frame-rate: {numerator}/{denominator}` gives the archive\'s frame rate.',
        schema: z.string(),
        contentType: PLAYLIST_CONTENT_TYPE,
      },
    },
    errors: [400, 404, 422],
    run: getSessionPlaylist,
  }),
  defineRoute({
    method: 'POST',
    path: '/streams/{id}/schedules',
    operationId: 'createSchedule',
    summary: 'Schedules a start or a stop (EventBridge Scheduler, one-time, UTC).',
    params: StreamPathSchema,
    body: ScheduleBodySchema,
    responses: { 201: { description: 'Scheduled.', schema: ScheduleViewSchema } },
    errors: [400, 404],
    check: ({ body, services }) => requireArchiveBucket(body.start_options?.path, 'start_options.path', services.config),
    run: createSchedule,
  }),
  defineRoute({
    method: 'GET',
    path: '/streams/{id}/schedules',
    operationId: 'listSchedules',
    summary: "The stream's schedules, soonest first, with their outcomes.",
    params: StreamPathSchema,
    responses: { 200: { description: 'The schedules.', schema: ScheduleListSchema } },
    errors: [400, 404],
    run: getSchedules,
  }),
  defineRoute({
    method: 'DELETE',
    path: '/streams/{id}/schedules/{schedule_id}',
    operationId: 'cancelSchedule',
    summary: 'Cancels a schedule that has not fired.',
    params: SchedulePathSchema,
    responses: { 204: { description: 'Cancelled.' } },
    errors: [400, 404, 409],
    run: cancelSchedule,
  }),
  // Webhooks (docs/WEBHOOKS.md)
  defineRoute({
    method: 'POST',
    path: '/webhooks',
    operationId: 'createWebhook',
    summary: 'Registers a webhook: signed HTTPS POSTs of the stream events it subscribes to. The secret is shown only here.',
    body: WebhookBodySchema,
    responses: { 201: { description: 'Registered, with its secret.', schema: WebhookCreatedSchema } },
    errors: [400],
    run: createWebhook,
  }),
  defineRoute({
    method: 'GET',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: 'Every webhook, oldest first (no secrets).',
    responses: { 200: { description: 'The webhooks.', schema: WebhookListSchema } },
    errors: [],
    run: getWebhooks,
  }),
  defineRoute({
    method: 'DELETE',
    path: '/webhooks/{id}',
    operationId: 'deleteWebhook',
    summary: 'Deletes a webhook: nothing more is delivered to it.',
    params: WebhookPathSchema,
    responses: { 204: { description: 'Deleted.' } },
    errors: [400, 404],
    run: deleteWebhook,
  }),
  defineRoute({
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: "The webhook's deliveries, newest first, each with its tries.",
    params: WebhookPathSchema,
    responses: { 200: { description: 'The deliveries (the newest 100).', schema: DeliveryListSchema } },
    errors: [400, 404],
    run: getDeliveries,
  }),
];
