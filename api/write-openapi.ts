import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiMarkdown, type OpenApiDocument } from './api-markdown';
import { eventsMarkdown } from './events-doc';
import { openApiDocument, openApiText } from './openapi';

/** `npm run openapi`: regenerates `docs/openapi.json` from the route table and its schemas, `docs/API.md` from that, and `docs/EVENTS.md` from the events' schemas. */
const write = (relative: string, text: string) => {
  const target = fileURLToPath(new URL(relative, import.meta.url));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
};
write('../docs/openapi.json', openApiText());
write('../docs/API.md', apiMarkdown(openApiDocument() as unknown as OpenApiDocument));
write('../docs/EVENTS.md', eventsMarkdown());
