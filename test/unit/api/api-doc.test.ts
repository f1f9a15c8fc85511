import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { expectWithMessage } from '../../fixtures/expect-with-message';
import { apiMarkdown, type OpenApiDocument } from '../../../api/api-markdown';
import { openApiDocument } from '../../../api/openapi';

const committed = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const generated = () => openApiDocument() as unknown as OpenApiDocument;

/** The text under each `### ` heading of the page, by heading. */
function sections(markdown: string): Map<string, string> {
  return new Map(
    markdown
      .split('\n### ')
      .slice(1)
      .map((part) => [part.slice(0, part.indexOf('\n')), part]),
  );
}

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
}

/** Every field path of a schema, walked here on its own so the generator's walk is checked, not reused. */
function fieldPaths(schema: Schema, prefix = ''): string[] {
  const object = schema.anyOf?.find((s) => s.properties) ?? schema;
  return Object.entries(object.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const inner = field.anyOf?.find((s) => s.properties) ?? field;
    const nested = inner.items?.properties ? fieldPaths(inner.items, `${path}[].`) : fieldPaths(inner, `${path}.`);
    return [path, ...nested];
  });
}

describe('docs/API.md', () => {
  it('is what `npm run openapi` generates from the route table (regenerate it when this fails)', () => {
    expect(committed('docs/API.md')).toBe(apiMarkdown(generated()));
  });

  it('is in step with the committed docs/openapi.json', () => {
    expect(committed('docs/API.md')).toBe(apiMarkdown(JSON.parse(committed('docs/openapi.json')) as OpenApiDocument));
  });

  it('shows every route with each of its parameters and statuses', () => {
    const doc = generated();
    const page = sections(apiMarkdown(doc));
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const section = page.get(`${method.toUpperCase()} ${path}`);
        expectWithMessage(section, `${method} ${path}`).toBeDefined();
        expect(section).toContain(op.summary);
        for (const p of op.parameters) expect(section).toContain(`| \`${p.name}\` | ${p.in} |`);
        for (const [status, r] of Object.entries(op.responses)) {
          const ownRow = section!.includes(`| ${status} |`) && section!.includes(r.description);
          // An error that says just what the catalogue says is listed by status and code.
          const catalogued = Object.entries(doc.components.responses).some(
            ([code, e]) => String(e['x-status']) === status && r.description === `${code}: ${e.description}` && section!.includes(`${status} \`${code}\``),
          );
          expectWithMessage(ownRow || catalogued, `${method} ${path} ${status}`).toBe(true);
        }
      }
    }
  });

  it('shows every field of every shape, and every error code with its status', () => {
    const doc = generated();
    const markdown = apiMarkdown(doc);
    const page = sections(markdown);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const section = page.get(name);
      expectWithMessage(section, name).toBeDefined();
      for (const field of fieldPaths(schema)) expectWithMessage(section, `${name}.${field}`).toContain(`| \`${field}\` |`);
    }
    const errors = markdown.slice(markdown.indexOf('## Errors'), markdown.indexOf('## Routes'));
    for (const [code, r] of Object.entries(doc.components.responses)) {
      expect(errors).toContain(`| ${r['x-status']} | \`${code}\` |`);
      expect(errors).toContain(r.description);
    }
    // Also the codes no route answers itself (the local server's 408 and 431).
    const codes = (doc.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } }).properties.error.properties.code.enum;
    for (const code of codes) expect(errors).toContain(`| \`${code}\` |`);
  });
});
