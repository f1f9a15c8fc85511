import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import * as z from '../../../core/domain/zod';
import { eventsMarkdown } from '../../../api/events-doc';
import { EVENT_DATA_SCHEMAS, EVENT_KINDS } from '../../../core/domain/events';

const committed = () => readFileSync(new URL('../../../docs/EVENTS.md', import.meta.url), 'utf8');

describe('docs/EVENTS.md', () => {
  it('is what the events\' schemas generate (run `npm run openapi` after changing core/domain/events.ts)', () => {
    expect(committed()).toBe(eventsMarkdown());
  });

  it('documents every kind, each with every field of its data', () => {
    // Assess: read the page on its own, not through the generator
    const sections = committed().split('\n### ').slice(1);
    expect(sections.map((s) => s.slice(1, s.indexOf('`', 1)))).toEqual([...EVENT_KINDS]);
    for (const [i, kind] of EVENT_KINDS.entries()) {
      const schema = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(sections[i])![1]) as { properties: Record<string, unknown>; required: string[] };
      const fields = Object.keys(EVENT_DATA_SCHEMAS[kind].shape);
      expect(Object.keys(schema.properties).sort()).toEqual([...fields].sort());
      expect(z.toJSONSchema(EVENT_DATA_SCHEMAS[kind], { io: 'output' })).toMatchObject({ properties: schema.properties });
    }
  });
});
