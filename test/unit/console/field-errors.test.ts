import { describe, expect, it } from '@jest/globals';
import { badNumbers, bodyOf, fieldErrors } from '../../../console/field-errors';

describe('validation details on a form', () => {
  it('go under the field they name; the rest stays for the alert', () => {
    const { byField, other } = fieldErrors(
      [
        { path: 'name', message: 'Too small' },
        { path: 'segment_length', message: 'Too big' },
        { path: 'name', message: 'Second' },
        { path: 'start_options.path', message: 'bad bucket' },
        { path: 'headers.idempotency-key', message: 'too long' },
      ],
      ['name', 'segment_length', 'start_options'],
    );
    expect(Object.fromEntries(byField)).toEqual({ name: ['Too small', 'Second'], segment_length: ['Too big'], start_options: ['bad bucket'] });
    expect(other).toEqual(['headers.idempotency-key: too long']);
  });

  it('turn a form into a body: empty fields left to the defaults, numbers as numbers, non-numbers as typed', () => {
    expect(bodyOf({ name: ' Keynote ', description: '', segment_length: '6' }, ['segment_length'])).toEqual({ name: 'Keynote', segment_length: 6 });
    expect(bodyOf({ segment_length: 'six' }, ['segment_length'])).toEqual({ segment_length: 'six' });
    expect(bodyOf({ name: '42' }, [])).toEqual({ name: '42' });
    expect(bodyOf({ name: '  ', description: '' }, [], ['name'])).toEqual({ name: '' });
  });

  it('name each number field whose text the browser could not read (its value is then "", which would be left out)', () => {
    // `<input type="number">` reports value "" and validity.badInput for "1e" or "--".
    const fields = [
      { name: 'name', badInput: false },
      { name: 'segment_length', badInput: true },
      { name: 'idle_stop_seconds', badInput: true },
    ];
    expect(badNumbers(fields)).toEqual([
      { path: 'segment_length', message: 'not a number' },
      { path: 'idle_stop_seconds', message: 'not a number' },
    ]);
    expect(badNumbers(fields.slice(0, 1))).toEqual([]);
  });
});
