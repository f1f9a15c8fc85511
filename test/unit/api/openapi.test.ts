import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { openApiDocument, openApiText } from '../../../api/openapi';
import { ROUTES } from '../../../api/routes';

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` generates from the route table (regenerate it when this fails)', () => {
    const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(openApiText());
  });

  it('documents every route with its body, its parameters and its errors', () => {
    const doc = openApiDocument() as any;
    for (const route of ROUTES) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      expect(op.operationId).toBe(route.operationId);
      if (route.body) expect(op.requestBody.required).toBe(!route.bodyOptional);
      for (const status of [...route.errors, 500]) expect(op.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name)).toEqual(pathParams);
    }
    expect(doc.components.schemas.SplitBody.additionalProperties).toBe(false);
  });
});
