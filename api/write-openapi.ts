import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiText } from './openapi';

/** `npm run openapi`: regenerates `docs/openapi.json` from the route table and its schemas. */
const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(target, openApiText());
console.log(`wrote ${target}`);
