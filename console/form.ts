/**
 * Labelled form fields whose API validation errors show under the field (linked to it with
 * `aria-describedby`, marked `aria-invalid`) and, all of them, in the form's `role="alert"`, which
 * is hidden while there is nothing to say.
 */
import { ApiError } from './api-client';
import { h, replace } from './dom';
import { badNumbers, fieldErrors } from './field-errors';

let counter = 0;
/** A page-unique id: two views' fields never share one. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

export interface Field {
  /** The wrapper: label, control, hint and error. */
  element: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
  /** The body field it sets (the API's detail `path`). */
  name: string;
}

export function inputField(label: string, name: string, attrs: Record<string, string | number | boolean> = {}, hint?: string): Field {
  const id = uid(name);
  const control = h('input', { id, name, ...attrs });
  return wrap(label, name, id, control, hint);
}

export function selectField(label: string, name: string, options: readonly [value: string, text: string][]): Field {
  const id = uid(name);
  const control = h('select', { id, name }, ...options.map(([value, text]) => h('option', { value }, text)));
  return wrap(label, name, id, control);
}

function wrap(label: string, name: string, id: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): Field {
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const hintElement = hint === undefined ? null : h('p', { id: `${id}-hint`, class: 'hint' }, hint);
  control.setAttribute('aria-describedby', [hintElement?.id, error.id].filter(Boolean).join(' '));
  const element = h('div', { class: 'field' }, h('label', { for: id }, label), control, hintElement, error);
  return { element, control, error, name };
}

/** A form's alert: `role="alert"`, hidden (so not announced, nor found by role) while empty. */
export function alertBox(): HTMLElement {
  return h('div', { role: 'alert', hidden: true });
}

export function clearErrors(fields: readonly Field[], alert: HTMLElement): void {
  for (const field of fields) {
    field.control.removeAttribute('aria-invalid');
    replace(field.error);
    field.error.hidden = true;
  }
  setAlert(alert);
}

export function setAlert(alert: HTMLElement, ...lines: string[]): void {
  // Redrawn only when it says something new: a live region re-announces whatever is rewritten,
  // and the views set their alerts at every 2 s refresh.
  const said = JSON.stringify(lines);
  if (alert.dataset.said === said) return;
  alert.dataset.said = said;
  const [first, ...rest] = lines;
  replace(alert, first === undefined ? null : h('strong', {}, first), ...rest.map((line) => h('div', {}, line)));
  alert.hidden = lines.length === 0;
}

/** Shows an error of a request the form sent: by field when the API named fields, and in the alert. */
export function showErrors(fields: readonly Field[], alert: HTMLElement, err: unknown): void {
  clearErrors(fields, alert);
  if (!(err instanceof ApiError)) {
    setAlert(alert, err instanceof Error ? err.message : String(err));
    return;
  }
  const { byField, other } = fieldErrors(err.details, fields.map((field) => field.name));
  for (const field of fields) {
    const messages = byField.get(field.name);
    if (messages === undefined) continue;
    field.control.setAttribute('aria-invalid', 'true');
    replace(field.error, messages.join('; '));
    field.error.hidden = false;
  }
  const named = [...byField].map(([name, messages]) => `${labelOf(fields, name)}: ${messages.join('; ')}`);
  setAlert(alert, err.message, ...named, ...other);
}

function labelOf(fields: readonly Field[], name: string): string {
  return fields.find((field) => field.name === name)?.element.querySelector('label')?.textContent ?? name;
}

/** The fields' values by name (trimmed by `bodyOf` later). */
export function valuesOf(fields: readonly Field[]): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [field.name, field.control.value]));
}

/**
 * False, with each number field whose text is not a number marked and named in the alert
 * ("Segment length (s): not a number"), when the form must not be sent: such a field's value
 * reads "", so the request would go ahead with the API's default instead.
 */
export function numbersReadable(fields: readonly Field[], alert: HTMLElement): boolean {
  const details = badNumbers(fields.map((field) => ({ name: field.name, badInput: field.control.validity.badInput })));
  if (details.length === 0) return true;
  showErrors(fields, alert, new ApiError(0, 'bad_input', 'Not sent: a number field holds text that is not a number.', details));
  return false;
}
