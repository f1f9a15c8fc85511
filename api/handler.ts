import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger } from '../core/lambda/logger';
import { dynamoDbClient } from '../core/aws/clients/dynamodb';
import { s3Client } from '../core/aws/clients/s3';
import { schedulerClient } from '../core/aws/clients/scheduler';
import { sfnClient } from '../core/aws/clients/sfn';
import { streamStore } from '../core/aws/clients/store';
import { containerDeps } from '../core/lambda/container';
import { errorReply } from './errors';
import { jsonBody, requireJsonContentType, toResult } from './http';
import { IdempotentRequests, idempotencyKeyOf } from './idempotency';
import { matchRoute, runRoute, type ApiServices, type Matched } from './route';
import { ROUTES } from './routes';

/** What API Gateway's REST proxy integration gives the handler, as far as the API reads it. */
export type ApiEvent = Pick<APIGatewayProxyEvent, 'httpMethod' | 'path' | 'headers' | 'body' | 'isBase64Encoded'> & {
  requestContext?: { requestId?: string };
};

export interface Api {
  /** One HTTP request → its response. Never throws: every failure is an error response. */
  handle(event: ApiEvent, context?: Partial<Context>): Promise<APIGatewayProxyResult>;
}

const WRITES = new Set(['POST', 'DELETE']);

/**
 * The HTTP API over `services`: route, read the body (413/400), honour `Idempotency-Key` on POST
 * and DELETE, validate and run the action, and turn any failure into the error body of
 * `docs/API.md`. The cloud handler and the local runtime both serve requests through this.
 */
export function createApi(services: ApiServices): Api {
  const idempotency = new IdempotentRequests(services);

  async function execute(matched: Matched, body: unknown, requestId: string): Promise<APIGatewayProxyResult> {
    try {
      return toResult(await runRoute(matched, body, services, requestId));
    } catch (err) {
      return toResult(errorReply(err, requestId));
    }
  }

  return {
    async handle(event, context) {
      const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? randomUUID();
      try {
        const matched = matchRoute(ROUTES, event.httpMethod, event.path);
        const writes = WRITES.has(matched.route.method);
        if (writes || event.body) requireJsonContentType(event);
        const body = jsonBody(event);
        const run = () => execute(matched, body, requestId);
        const key = writes ? idempotencyKeyOf(event) : undefined;
        if (key === undefined) return await run();
        return await idempotency.handle({ method: event.httpMethod, path: event.path, key, body }, run, context);
      } catch (err) {
        return toResult(errorReply(err, requestId));
      }
    },
  };
}

/** The clients the API talks to, each named so the bundle holds those SDK packages only. */
const cloudServices = containerDeps<ApiServices>({
  store: streamStore,
  dynamodb: dynamoDbClient,
  sfn: sfnClient,
  scheduler: schedulerClient,
  s3: s3Client,
});

let cloudApi: Api | undefined;

/** The Lambda behind API Gateway (REST, proxy integration), with the cloud's services built once per container. */
export const handler = middy(async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  cloudApi ??= createApi(cloudServices());
  return cloudApi.handle(event, context);
}).use(injectLambdaContext(logger));
