/**
 * The members of `input` named in `fields` that are set: what a stand-in keeps of a create or
 * update request, as the service keeps the settings sent and ignores the rest.
 */
export function pickFields<T extends object, K extends keyof T & string>(input: T, fields: readonly K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const field of fields) if (input[field] !== undefined) picked[field] = input[field];
  // Every named field is either copied or was undefined in `input`, which `Pick` allows (they are optional there).
  return picked as Pick<T, K>;
}
