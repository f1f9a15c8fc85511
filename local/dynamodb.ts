import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LOCAL_CREDENTIALS } from './credentials';
import { listenOnLoopback } from './loopback';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * dynalite in this process, on 127.0.0.1. With `path` it persists to LevelDB on disk (data survive
 * a restart); without, in memory (tests).
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenOnLoopback(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  return {
    endpoint,
    client,
    async close() {
      // The server first: it lets the requests under way finish before dynalite closes its
      // database. Destroying the client first cut them off mid-request, and dynalite then ran
      // their reads on a closed database ("Database is closed", thrown where nothing catches it).
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.destroy();
    },
  };
}

/** Creates a table keyed by a string partition key (and a string sort key, if named), unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string, partitionKey: string, sortKey?: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [partitionKey, ...(sortKey ? [sortKey] : [])].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : [])],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
