/**
 * The zod every Lambda-reachable module builds its schemas with: `zod/mini`, whose functions
 * esbuild drops when unused (~35 kB in a bundle, where the classic API's methods and all its
 * locales cost ~450 kB). Import it as a namespace, `import * as z from '…/core/domain/zod'`:
 * esbuild shakes `z.fn` member accesses, but not a `z` object imported by name.
 *
 * `zod/mini` loads no locale, so every issue would read just "Invalid input". English is set here,
 * once, before any schema exists, so what people read (the API's 400 `details`, a task's `Invalid`
 * input) is what classic zod wrote. The named `en` import costs ~3 kB; `z.locales.en` would pull
 * in every locale (~260 kB). Classic zod's other default, the memoizer that parses cyclic input, is
 * left out (~3 kB): what reaches a schema here is JSON, which has no cycles.
 */
import { config, ZodMiniNumber } from 'zod/mini';
import { en } from 'zod/locales';
import { _coercedNumber } from 'zod/v4/core';

config(en());

export * from 'zod/mini';

/**
 * `z.coerce.number()`, the same schema, without the `coerce` namespace: esbuild keeps a namespace
 * reached through another whole (its bigint and date schemas too, ~1.3 kB in every bundle).
 */
export const coercedNumber = () => _coercedNumber(ZodMiniNumber);
