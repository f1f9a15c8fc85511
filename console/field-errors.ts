/**
 * An API validation error laid out for a form: each detail's message under the field it names
 * (the detail's `path`, dotted from the body), and what names no field of the form kept for the
 * form's alert, so no message is lost.
 */
import type { ErrorDetail } from './api-client';

export interface FieldErrors {
  /** Field name → its messages. */
  byField: Map<string, string[]>;
  /** Details that name no field of the form, as `path: message`. */
  other: string[];
}

export function fieldErrors(details: readonly ErrorDetail[], fields: readonly string[]): FieldErrors {
  const byField = new Map<string, string[]>();
  const other: string[] = [];
  for (const detail of details) {
    // `start_options.path` belongs to the `path` field of a form that sends start options nested.
    const field = fields.find((name) => detail.path === name || detail.path.startsWith(`${name}.`));
    if (field === undefined) other.push(detail.path === '' ? detail.message : `${detail.path}: ${detail.message}`);
    else byField.set(field, [...(byField.get(field) ?? []), detail.message]);
  }
  return { byField, other };
}

/**
 * A form's text fields as a request body: empty ones left out (the API's default applies) unless
 * `required` (then the API says what is wrong with an empty one), numeric ones as numbers. Text
 * of a text field that is not a number is sent as it is, so the API's own message names it; but a
 * `type="number"` input never gets here with such text: the browser reports its value as "" (which
 * would be left out, so the default would apply), so check `badNumbers` first.
 */
export function bodyOf(values: Record<string, string>, numeric: readonly string[] = [], required: readonly string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    const value = raw.trim();
    if (value === '' && !required.includes(name)) continue;
    const number = Number(value);
    body[name] = numeric.includes(name) && Number.isFinite(number) ? number : value;
  }
  return body;
}

/**
 * The number inputs whose text the browser could not read as a number (`validity.badInput`: "1e",
 * "--"), as details naming each field. Their value reads "", which `bodyOf` would leave out.
 */
export function badNumbers(fields: readonly { name: string; badInput: boolean }[]): ErrorDetail[] {
  return fields.filter((field) => field.badInput).map((field) => ({ path: field.name, message: 'not a number' }));
}
