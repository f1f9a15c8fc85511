import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { requireSetting } from '../core/lambda/config';
import { IDEMPOTENCY_TABLE } from '../core/aws/tables';
import { badRequest, conflict } from './errors';
import { header } from './http';
import type { ApiServices } from './route';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Set on a response that is the replay of the first one. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const EXPIRES_AFTER_SECONDS = 24 * 60 * 60;
const PRINTABLE_KEY = /^[\x20-\x7e]{1,128}$/;
/** How often a duplicate in flight looks again for the first request's answer (doubling). */
const FIRST_WAIT_MS = 50;
const MAX_WAIT_MS = 1000;

/** The request's `Idempotency-Key`, if any (≤ 128 printable chars, else a 400). */
export function idempotencyKeyOf(event: Pick<APIGatewayProxyEvent, 'headers'>): string | undefined {
  const key = header(event, IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!PRINTABLE_KEY.test(key)) {
    throw badRequest(`${IDEMPOTENCY_HEADER} must be 1–128 printable characters`, [
      { path: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1–128 printable characters' },
    ]);
  }
  return key;
}

/** What identifies a request (`key`: method, path and header value) and what must match on a retry (`body`). */
interface IdempotentRequest {
  key: string;
  body: unknown;
}

/** A 5xx is not remembered: the retry should try again, not replay the failure. */
class NotRemembered extends Error {
  constructor(readonly result: APIGatewayProxyResult) {
    super('5xx responses are not remembered');
    this.name = 'NotRemembered';
  }
}

/**
 * `Idempotency-Key` with Powertools idempotency over DynamoDB (`IDEMPOTENCY_TABLE_NAME`, keyed as
 * `core/aws/tables.ts` says; dynalite locally). The first response for a key is stored for 24 h and
 * replayed for a retry with the same body (compared as JSON); a different body is a 409; a retry
 * while the first is still running waits for the first's answer (see `handle`). Powertools is made for Lambda handlers: it locks a key
 * "in progress" until the Lambda's remaining time runs out, so outside Lambda we hand it a
 * stand-in context whose remaining time is the longest a request can take. (It keeps that
 * context on its shared config; every stand-in says the same, so concurrent requests in the local
 * runtime cannot disagree.)
 */
export class IdempotentRequests {
  private readonly config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: EXPIRES_AFTER_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: (response) => {
      const result = response as unknown as APIGatewayProxyResult;
      return { ...result, headers: { ...result.headers, [REPLAYED_HEADER]: 'true' } };
    },
  });
  private run?: (request: IdempotentRequest, context: Context, execute: () => Promise<APIGatewayProxyResult>) => Promise<APIGatewayProxyResult>;

  constructor(private readonly services: Pick<ApiServices, 'config' | 'dynamodb'>) {}

  /** Made on first use: a deployment without the table still serves requests that carry no key. */
  private idempotent() {
    this.run ??= makeIdempotent(
      async (_request: IdempotentRequest, _context: Context, execute: () => Promise<APIGatewayProxyResult>) => {
        const result = await execute();
        if (result.statusCode >= 500) throw new NotRemembered(result);
        return result;
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: requireSetting(this.services.config, 'IDEMPOTENCY_TABLE_NAME'),
          awsSdkV3Client: this.services.dynamodb,
          keyAttr: IDEMPOTENCY_TABLE.partitionKey,
          expiryAttr: IDEMPOTENCY_TABLE.ttlAttribute,
        }),
        config: this.config,
        keyPrefix: 'api',
      },
    );
    return this.run;
  }

  async handle(
    request: { method: string; path: string; key: string; body: unknown },
    execute: () => Promise<APIGatewayProxyResult>,
    lambdaContext?: Partial<Context>,
  ): Promise<APIGatewayProxyResult> {
    const longest = (this.services.config.API_WAIT_SECONDS + 30) * 1000;
    const context = (
      lambdaContext?.getRemainingTimeInMillis ? lambdaContext : { getRemainingTimeInMillis: () => longest }
    ) as Context;
    const deadline = performance.now() + longest;
    for (let delay = FIRST_WAIT_MS; ; delay = Math.min(MAX_WAIT_MS, delay * 2)) {
      try {
        return await this.idempotent()(
          { key: `${request.method.toUpperCase()} ${request.path} ${request.key}`, body: request.body ?? null },
          context,
          execute,
        );
      } catch (err) {
        const name = (err as Error).name;
        if (err instanceof NotRemembered) return err.result;
        if (name === 'IdempotencyValidationError') {
          throw conflict(`${IDEMPOTENCY_HEADER} was already used for this route with a different body`);
        }
        // A duplicate that arrives while the first is still being answered (a client retrying
        // over a dropped connection, or firing twice) waits for that answer and gets it replayed,
        // as `docs/API.md` promises for a retry: a 409 would tell it "do something else" when the first
        // is doing exactly what it asked. The wait is bounded by the first's own lock (`longest`);
        // past it Powertools takes the lock as expired and this request does the work itself.
        if (name === 'IdempotencyAlreadyInProgressError' && performance.now() < deadline) {
          await sleep(Math.min(delay, Math.max(0, deadline - performance.now())));
          continue;
        }
        if (name === 'IdempotencyAlreadyInProgressError') {
          throw conflict(`a request with this ${IDEMPOTENCY_HEADER} is still being processed`);
        }
        throw err;
      }
    }
  }
}
