import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../../core/config';
import { newHexId } from '../../../core/ids';
import { newStreamItem, type Connector, type StreamItem } from '../../../core/record';
import { documentClient } from '../../../core/services';
import { StreamStore } from '../../../core/store';
import { ensureTable, startDynalite, type LocalDynamo } from '../../../local/dynamodb';

/** A real store (dynalite) for the connector tasks' tests: their point is what they write. */
export function useStore(): { store: () => StreamStore } {
  let dynamo: LocalDynamo;
  let store: StreamStore;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await ensureTable(dynamo.client, 'streams', 'id');
    store = new StreamStore(documentClient(dynamo.client), 'streams');
  });
  afterAll(async () => dynamo.close());
  return { store: () => store };
}

export const RTMP1 = 'rtmp://198.51.100.7:1935/app/secret-key-1';
export const RTMP_IVS = 'rtmps://abc.global-contribute.live-video.net:443/app/sk_us-east-1_SECRET';
export const NOW = new Date('2026-01-01T00:00:00Z');

export const config = loadConfig({
  CONNECTOR_CLUSTER: 'connectors',
  CONNECTOR_TASK_DEFINITION: 'connector:3',
  CONNECTOR_SUBNETS: 'subnet-a,subnet-b',
  CONNECTOR_SECURITY_GROUPS: 'sg-1',
});

export function connector(patch: Partial<Connector> = {}): Connector {
  return { target: 'medialive', state: 'starting', chime_url: 'https://meet.example.com/v2?m=a&broadcast=true', task_id: null, started_at: '1700000000', ...patch };
}

export async function aStream(store: StreamStore, patch: Partial<StreamItem> = {}): Promise<StreamItem> {
  return store.create({
    ...newStreamItem({ id: newHexId(), name: 'workshop', now: '1700000000' }),
    state: 'running',
    rtmp1: RTMP1,
    ...patch,
  });
}
