/**
 * The DynamoDB tables' key schemas, in one place: `infra/` deploys them, `local/` creates them in
 * dynalite.
 */
export const STREAM_TABLE = { partitionKey: 'id' } as const;

/** Powertools idempotency's default layout: partition key `id`, TTL attribute `expiration`. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttlAttribute: 'expiration' } as const;

/** Split progress (`core/aws/split-progress.ts`): one item per split execution, keyed by its ARN. */
export const SPLIT_PROGRESS_TABLE = { partitionKey: 'execution_id' } as const;
