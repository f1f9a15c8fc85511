import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { openApiDocument, openApiText } from '../../../api/openapi';
import { z } from 'zod';
import { ROUTES } from '../../../api/routes';

/** The parts of an OpenAPI 3.1 document this test reads (https://spec.openapis.org/oas/v3.1.0#openapi-object). */
const OperationSchema = z.object({
  operationId: z.string(),
  requestBody: z.object({ required: z.boolean() }).optional(),
  responses: z.record(z.string(), z.object({ content: z.record(z.string(), z.object({ schema: z.unknown() })).optional() })),
  parameters: z.array(z.object({ in: z.string(), name: z.string() })),
});
const DocumentSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), OperationSchema)),
  components: z.object({ schemas: z.record(z.string(), z.object({ additionalProperties: z.unknown().optional() })) }),
});

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` generates from the route table (regenerate it when this fails)', () => {
    const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(openApiText());
  });

  it('documents every route with its body, its parameters and its errors', () => {
    const doc = DocumentSchema.parse(openApiDocument());
    for (const route of ROUTES) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      expect(op.operationId).toBe(route.operationId);
      if (route.body) expect(op.requestBody?.required).toBe(!route.bodyOptional);
      for (const status of [...route.errors, 500]) expect(op.responses[status].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
    }
    expect(doc.components.schemas.SplitBody.additionalProperties).toBe(false);
  });
});
