/**
 * The DynamoDB tables' key schemas, in one place: `infra/` deploys them, `local/` creates them in
 * dynalite.
 */
export const STREAM_TABLE = { partitionKey: 'id' } as const;

/** Powertools idempotency's default layout: partition key `id`, TTL attribute `expiration`. */
export const IDEMPOTENCY_TABLE = { partitionKey: 'id', ttlAttribute: 'expiration' } as const;

/** Webhooks (`core/aws/webhook-store.ts`): one item per webhook. */
export const WEBHOOK_TABLE = { partitionKey: 'webhook_id' } as const;

/**
 * Webhook deliveries: one item per delivery under its webhook, sorted by when it started (`{started_at}#{delivery_id}`),
 * so a query reads them newest first; kept 30 days (TTL).
 */
export const WEBHOOK_DELIVERY_TABLE = { partitionKey: 'webhook_id', sortKey: 'sort_key', ttlAttribute: 'expiration' } as const;
/** Split progress (`core/aws/split-progress.ts`): one item per split execution, keyed by its ARN. */
export const SPLIT_PROGRESS_TABLE = { partitionKey: 'execution_id' } as const;
