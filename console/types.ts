/** The API's shapes, as the API's own schemas declare them (types only: nothing of zod is bundled from here). */
import type * as z from '../core/domain/zod';
import type { ExecutionListSchema, ScheduleListSchema } from '../api/schemas';

export type { StreamRecord, StreamState } from '../core/domain/record';
export type ScheduleView = z.infer<typeof ScheduleListSchema>[number];
export type ExecutionSummary = z.infer<typeof ExecutionListSchema>[number];
