import { randomBytes } from 'node:crypto';
import type * as KeyValueStore from '@aws-sdk/client-cloudfront-keyvaluestore';
import {
  ConflictException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ValidationException,
  type DeleteKeyRequestListItem,
  type GetKeyCommandInput,
  type ListKeysCommandInput,
  type PutKeyRequestListItem,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { z } from 'zod';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';
import { JsonStateFile } from './state-files';

export interface LocalKeyValueStoreOptions {
  /** The one store that exists (the stack's live-routes store, in the cloud). */
  kvsArn: string;
  stateFile?: string;
  now?: () => Date;
}

const StateSchema = z.object({
  items: z.record(z.string(), z.string()),
  etag: z.string(),
  created: z.string(),
  lastModified: z.string(),
});
type State = z.infer<typeof StateSchema>;

/**
 * CloudFront KeyValueStore's limits: key 512, value 1024, store 5 MB
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html).
 */
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 1024;
const MAX_STORE_BYTES = 5 * 1024 * 1024;
const DEFAULT_PAGE = 50;

/**
 * CloudFront KeyValueStore, locally: one store with the real optimistic concurrency (every write
 * names the store's current `ETag` in `IfMatch`, else ConflictException, and gets the new one
 * back) and limits. The local media HTTP server reads it through {@link lookup} the way the live
 * distribution's CloudFront Function reads the real one.
 */
export class LocalKeyValueStore {
  readonly service: LocalService;
  private readonly state: State;
  private readonly file: JsonStateFile<State>;
  private readonly now: () => Date;

  constructor(private readonly options: LocalKeyValueStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.file = new JsonStateFile(options.stateFile, StateSchema);
    const created = this.now().toISOString();
    this.state = this.file.load({ items: {}, etag: newEtag(), created, lastModified: created });
    this.service = serviceFromHandlers<typeof KeyValueStore>('CloudFrontKeyValueStore', {
      DescribeKeyValueStoreCommand: (input) => this.describe(input.KvsARN),
      GetKeyCommand: (input) => this.getKey(input),
      ListKeysCommand: (input) => this.listKeys(input),
      PutKeyCommand: (input) => this.write(input, [{ Key: input.Key, Value: input.Value }], []),
      DeleteKeyCommand: (input) => this.write(input, [], [{ Key: input.Key }]),
      UpdateKeysCommand: (input) => this.write(input, input.Puts ?? [], input.Deletes ?? []),
    });
  }

  /** The value under `key`, or `undefined`: what a viewer request to `/live/{key}/…` is routed by. */
  lookup(key: string): string | undefined {
    return Object.hasOwn(this.state.items, key) ? this.state.items[key] : undefined;
  }

  private describe(arn: string | undefined) {
    this.checkArn(arn);
    return {
      KvsARN: this.options.kvsArn,
      ItemCount: Object.keys(this.state.items).length,
      TotalSizeInBytes: this.size(this.state.items),
      Created: new Date(this.state.created),
      LastModified: new Date(this.state.lastModified),
      ETag: this.state.etag,
      Status: 'READY',
    };
  }

  private getKey(input: GetKeyCommandInput) {
    this.checkArn(input.KvsARN);
    const value = input.Key === undefined ? undefined : this.lookup(input.Key);
    if (value === undefined) throw serviceError(ResourceNotFoundException, 404, `key ${String(input.Key)} not found`);
    const { ItemCount, TotalSizeInBytes } = this.describe(input.KvsARN);
    return { Key: input.Key, Value: value, ItemCount, TotalSizeInBytes };
  }

  private listKeys(input: ListKeysCommandInput) {
    this.checkArn(input.KvsARN);
    const keys = Object.keys(this.state.items).sort();
    const after = input.NextToken;
    const start = after ? keys.findIndex((k) => k > after) : 0;
    const page = start < 0 ? [] : keys.slice(start, start + (input.MaxResults ?? DEFAULT_PAGE));
    const more = start >= 0 && start + page.length < keys.length;
    return {
      Items: page.map((Key) => ({ Key, Value: this.state.items[Key] })),
      ...(more ? { NextToken: page.at(-1) } : {}),
    };
  }

  /** Every write: all or nothing, only against the current ETag. */
  private write(
    input: { KvsARN: string | undefined; IfMatch: string | undefined },
    puts: Partial<PutKeyRequestListItem>[],
    deletes: Partial<DeleteKeyRequestListItem>[],
  ) {
    this.checkArn(input.KvsARN);
    // The SDK models one error for a write whose If-Match is not the store's version: ConflictException
    // ("Resource is not in expected state", HTTP 409). UpdateKeyValueStore's PreconditionFailed is the control plane's.
    if (input.IfMatch !== this.state.etag) {
      throw serviceError(ConflictException, 409, 'IfMatch does not match the store\'s current ETag (another write came first)');
    }
    const items = { ...this.state.items };
    for (const { Key, Value } of puts) {
      checkSize('key', Key, MAX_KEY_BYTES);
      checkSize('value', Value, MAX_VALUE_BYTES);
      items[Key] = Value;
    }
    for (const { Key } of deletes) {
      checkSize('key', Key, MAX_KEY_BYTES);
      if (!Object.hasOwn(items, Key)) throw serviceError(ResourceNotFoundException, 404, `key ${Key} not found`);
      delete items[Key];
    }
    // The data plane's "Limit exceeded" (HTTP 402), not a validation error: the request was well formed.
    if (this.size(items) > MAX_STORE_BYTES) throw serviceError(ServiceQuotaExceededException, 402, 'the store would exceed 5 MB');
    this.state.items = items;
    this.state.etag = newEtag();
    this.state.lastModified = this.now().toISOString();
    this.file.save(this.state);
    return { ItemCount: Object.keys(items).length, TotalSizeInBytes: this.size(items), ETag: this.state.etag };
  }

  private checkArn(arn: string | undefined): void {
    if (arn !== this.options.kvsArn) throw serviceError(ResourceNotFoundException, 404, `key value store ${String(arn)} not found`);
  }

  private size(items: Record<string, string>): number {
    return Object.entries(items).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  }
}

function newEtag(): string {
  return `KV${randomBytes(12).toString('hex').toUpperCase()}`;
}

function checkSize(what: string, text: string | undefined, max: number): asserts text is string {
  if (typeof text !== 'string' || text.length === 0) throw invalid(`a ${what} is required`);
  if (Buffer.byteLength(text) > max) throw invalid(`${what} longer than ${max} bytes`);
}

function invalid(message: string) {
  return serviceError(ValidationException, 400, message);
}
