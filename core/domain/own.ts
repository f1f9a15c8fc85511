/**
 * `record[key]` when `key` is the record's own: a key taken from input (`constructor`,
 * `__proto__`, `toString`, …) must not find what every object inherits.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
