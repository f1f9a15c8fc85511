/**
 * The recording view's section rows: each section's start, end (typed as seconds, m:ss or
 * h:mm:ss) and name, with its errors under the field (the editor's own, or the API's for its split).
 */
import { ApiError } from '../api-client';
import { h, replace } from '../dom';
import { uid } from '../form';
import { formatClock, formatSeconds, parseTime, removeSection, updateSection, type Sections } from '../sections';

export type SectionField = 'start' | 'end' | 'name';

export interface SectionEditor {
  /** The "no sections yet" hint and the rows. */
  readonly elements: readonly HTMLElement[];
  rows(): Sections;
  /** Replaces the sections and redraws the rows. */
  change(next: Sections): void;
  showFieldError(row: number, field: SectionField, message: string): void;
  clearErrors(): void;
  /** Shows a 400 of one section's split under its fields; what to say of it elsewhere. */
  showApiError(row: number, err: unknown): string;
}

export function sectionEditor(): SectionEditor {
  let rows: Sections = [];
  const rowList = h('ol', { class: 'sections' });
  const empty = h('p', { class: 'hint' }, 'No sections yet: play the recording and press "Mark in" and "Mark out", or "Add section" and type the times.');
  /** The inputs and error lines of the rows on screen, by row and field, for the problems of a split. */
  let fieldsOnScreen = new Map<string, { input: HTMLInputElement; error: HTMLElement }>();

  function change(next: Sections) {
    rows = next;
    drawRows();
  }

  function timeInput(row: number, field: 'start' | 'end', value: number | null) {
    return fieldInput(row, field, formatSeconds(value), (input) => {
      const parsed = parseTime(input.value);
      if (parsed === undefined) {
        showFieldError(row, field, `Section ${row} ${field}: type seconds (75.5), m:ss or h:mm:ss`);
        return;
      }
      clearFieldError(row, field);
      rows = updateSection(rows, row, { [field]: parsed });
      // Shown as the editor reads it; not redrawn, so the focus stays where the operator moved it.
      input.value = formatSeconds(parsed);
      input.title = parsed === null ? '' : formatClock(parsed);
    });
  }

  function fieldInput(row: number, field: SectionField, value: string, onchange: (input: HTMLInputElement) => void) {
    const id = uid(`section-${row}-${field}`);
    const label = `Section ${row} ${field}`;
    const input = h('input', {
      id,
      value,
      ...(field === 'name' ? { maxlength: 64, placeholder: 'e.g. Opening keynote' } : { inputmode: 'decimal', autocomplete: 'off' }),
    });
    const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
    input.setAttribute('aria-describedby', error.id);
    input.addEventListener('change', () => onchange(input));
    fieldsOnScreen.set(`${row}.${field}`, { input, error });
    return h('div', { class: 'field' }, h('label', { for: id }, label), input, error);
  }

  function showFieldError(row: number, field: SectionField, message: string) {
    const found = fieldsOnScreen.get(`${row}.${field}`);
    if (!found) return;
    found.input.setAttribute('aria-invalid', 'true');
    replace(found.error, message);
    found.error.hidden = false;
  }

  function clearFieldError(row: number, field: SectionField) {
    const found = fieldsOnScreen.get(`${row}.${field}`);
    if (!found) return;
    found.input.removeAttribute('aria-invalid');
    replace(found.error);
    found.error.hidden = true;
  }

  function drawRows() {
    fieldsOnScreen = new Map();
    empty.hidden = rows.length > 0;
    replace(
      rowList,
      ...rows.map((section, i) => {
        const row = i + 1;
        return h(
          'li',
          { class: 'section-row' },
          h(
            'div',
            { class: 'fields' },
            timeInput(row, 'start', section.start),
            timeInput(row, 'end', section.end),
            fieldInput(row, 'name', section.name, (input) => {
              rows = updateSection(rows, row, { name: input.value });
              clearFieldError(row, 'name');
            }),
          ),
          h('button', { type: 'button', class: 'secondary', onclick: () => change(removeSection(rows, row)) }, `Remove section ${row}`),
        );
      }),
    );
  }

  /** A 400 of one section's split: its fields by the API's detail paths (`timestamp_list.0.end`, `name_modifier`). */
  function showApiError(row: number, err: unknown): string {
    if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
    for (const detail of err.details) {
      const field: SectionField | undefined = /^timestamp_list\.0\.(start|end)$/.exec(detail.path)?.[1] as SectionField | undefined ?? (detail.path === 'name_modifier' ? 'name' : undefined);
      if (field) showFieldError(row, field, `Section ${row} ${field}: ${detail.message}`);
    }
    return err.message;
  }

  function clearErrors() {
    for (const key of fieldsOnScreen.keys()) clearFieldError(Number(key.split('.')[0]), key.split('.')[1] as SectionField);
  }

  drawRows();
  return { elements: [empty, rowList], rows: () => rows, change, showFieldError, clearErrors, showApiError };
}
