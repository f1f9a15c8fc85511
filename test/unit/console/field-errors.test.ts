import { describe, expect, it } from '@jest/globals';
import { bodyOf, fieldErrors } from '../../../console/field-errors';

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
});
