import { loadConfig } from '../../../core/lambda/config';
import type { Connector, StreamItem } from '../../../core/domain/record';
import type { StreamStore } from '../../../core/aws/store';
import { aStream as aCreatingStream } from '../../fixtures/stream-store';

export const RTMP1 = 'rtmp://198.51.100.7:1935/app/secret-key-1';
export const RTMP_IVS = 'rtmps://abc.global-contribute.live-video.net:443/app/sk_us-east-1_SECRET';
export const NOW = new Date('2026-01-01T00:00:00Z');

export const config = loadConfig({
  TABLE_NAME: 'streams',
  CONNECTOR_CLUSTER: 'connectors',
  CONNECTOR_TASK_DEFINITION: 'connector:3',
  CONNECTOR_SUBNETS: 'subnet-a,subnet-b',
  CONNECTOR_SECURITY_GROUPS: 'sg-1',
});

export function connector(patch: Partial<Connector> = {}): Connector {
  return { target: 'medialive', state: 'starting', chime_url: 'https://meet.example.com/v2?m=a&broadcast=true', task_id: null, started_at: '1700000000', ...patch };
}

/** A running stream with its RTMP destination, the connector tasks' starting point (unless `patch` says otherwise). */
export async function aStream(store: StreamStore, patch: Partial<StreamItem> = {}): Promise<StreamItem> {
  return aCreatingStream(store, { state: 'running', rtmp1: RTMP1, ...patch });
}
