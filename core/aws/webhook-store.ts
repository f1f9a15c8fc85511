import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting, type Config } from '../lambda/config';
import { StoredDeliverySchema, WEBHOOK_VIEW_ATTRIBUTES, WebhookSchema, WebhookViewSchema, type Delivery, type StoredAttempt, type Webhook, type WebhookView } from '../domain/webhook';
import { aws } from './calls';

type StoreDeps = { dynamodb: DynamoDBDocumentClient; config: Config };

/** How long a delivery's record is kept (the deliveries table's TTL). */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;
/** What `GET /webhooks/{id}/deliveries` shows: the newest ones. */
export const MAX_LISTED_DELIVERIES = 100;

const webhooksTable = (config: Config) => requireSetting(config, 'WEBHOOKS_TABLE_NAME');
const deliveriesTable = (config: Config) => requireSetting(config, 'WEBHOOK_DELIVERIES_TABLE_NAME');

/** Stores a new webhook; its id is new, so the write is conditional on nothing being there. */
export async function putWebhook(deps: StoreDeps, webhook: Webhook): Promise<void> {
  await aws('storing webhook', () =>
    deps.dynamodb.send(
      new PutCommand({ TableName: webhooksTable(deps.config), Item: webhook, ConditionExpression: 'attribute_not_exists(webhook_id)' }),
    ),
  );
}

export async function getWebhook(deps: StoreDeps, webhookId: string): Promise<Webhook | undefined> {
  const out = await aws('reading webhook', () =>
    deps.dynamodb.send(new GetCommand({ TableName: webhooksTable(deps.config), Key: { webhook_id: webhookId }, ConsistentRead: true })),
  );
  return out.Item ? WebhookSchema.parse(out.Item) : undefined;
}

/**
 * Every webhook, oldest first, without its secret: the scan projects it out, so neither the list
 * route nor the fan-out ever holds one. A deployment has a handful, so a scan is the cheapest read.
 */
export async function listWebhooks(deps: StoreDeps): Promise<WebhookView[]> {
  const webhooks: WebhookView[] = [];
  // Every attribute through a placeholder: `url` is a DynamoDB reserved word
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html).
  const names = Object.fromEntries(WEBHOOK_VIEW_ATTRIBUTES.map((attribute, i) => [`#a${i}`, attribute]));
  const scan = { TableName: webhooksTable(deps.config), ConsistentRead: true, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names };
  await aws('listing webhooks', async () => {
    for await (const page of paginateScan({ client: deps.dynamodb }, scan)) {
      for (const item of page.Items ?? []) webhooks.push(WebhookViewSchema.parse(item));
    }
  });
  return webhooks.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.webhook_id.localeCompare(b.webhook_id));
}

/** Deletes a webhook; true if there was one. Its deliveries stay until their TTL, and a running one finds it gone. */
export async function deleteWebhook(deps: StoreDeps, webhookId: string): Promise<boolean> {
  const out = await aws('deleting webhook', () =>
    deps.dynamodb.send(new DeleteCommand({ TableName: webhooksTable(deps.config), Key: { webhook_id: webhookId }, ReturnValues: 'ALL_OLD' })),
  );
  return out.Attributes !== undefined;
}

/** The delivery's place under its webhook: sorted by its start, so a query in reverse reads newest first. */
function deliveryKey(webhookId: string, delivery: Pick<Delivery, 'started_at' | 'delivery_id'>) {
  return { webhook_id: webhookId, sort_key: `${delivery.started_at}#${delivery.delivery_id}` };
}

/**
 * Records one try of a delivery and returns its number: the delivery's item is made by its first
 * try, each try appends itself and bumps an atomic counter (so two tries never share a number).
 */
export async function recordAttempt(
  deps: StoreDeps,
  args: {
    webhookId: string;
    delivery: Pick<Delivery, 'delivery_id' | 'event_id' | 'kind' | 'started_at'>;
    attempt: StoredAttempt;
    status: Delivery['status'];
  },
): Promise<number> {
  const { webhookId, delivery, attempt, status } = args;
  const out = await aws('recording a webhook delivery', () =>
    deps.dynamodb.send(
      new UpdateCommand({
        TableName: deliveriesTable(deps.config),
        Key: deliveryKey(webhookId, delivery),
        UpdateExpression:
          'SET delivery_id = :id, event_id = :event, kind = :kind, started_at = :started, #status = :status, expiration = :expiration, ' +
          'attempts = list_append(if_not_exists(attempts, :none), :attempt) ADD attempt_count :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':id': delivery.delivery_id,
          ':event': delivery.event_id,
          ':kind': delivery.kind,
          ':started': delivery.started_at,
          ':status': status,
          ':expiration': Math.floor(Date.parse(delivery.started_at) / 1000) + DELIVERY_RETENTION_SECONDS,
          ':none': [],
          ':attempt': [attempt],
          ':one': 1,
          ':exhausted': 'exhausted',
        },
        // A delivery marked exhausted takes no more tries: one that outlived its Task (and was
        // given up on) must not turn it back to pending.
        ConditionExpression: 'attribute_not_exists(#status) OR #status <> :exhausted',
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  return Number(out.Attributes?.attempt_count);
}

/** Marks a delivery whose last try failed: no more will come. */
export async function markExhausted(deps: StoreDeps, webhookId: string, delivery: Pick<Delivery, 'delivery_id' | 'started_at'>): Promise<void> {
  await aws('recording an exhausted webhook delivery', () =>
    deps.dynamodb.send(
      new UpdateCommand({
        TableName: deliveriesTable(deps.config),
        Key: deliveryKey(webhookId, delivery),
        UpdateExpression: 'SET #status = :exhausted',
        ConditionExpression: 'attribute_exists(webhook_id)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':exhausted': 'exhausted' },
      }),
    ),
  );
}

/** The webhook's deliveries, newest first, each try numbered in order. */
export async function listDeliveries(deps: StoreDeps, webhookId: string): Promise<Delivery[]> {
  const out = await aws('listing webhook deliveries', () =>
    deps.dynamodb.send(
      new QueryCommand({
        TableName: deliveriesTable(deps.config),
        KeyConditionExpression: 'webhook_id = :id',
        ExpressionAttributeValues: { ':id': webhookId },
        ScanIndexForward: false,
        Limit: MAX_LISTED_DELIVERIES,
        ConsistentRead: true,
      }),
    ),
  );
  return (out.Items ?? []).map((item) => {
    const parsed = StoredDeliverySchema.parse(item);
    return { ...parsed, attempts: parsed.attempts.map((attempt, i) => ({ ...attempt, attempt: i + 1 })) };
  });
}
