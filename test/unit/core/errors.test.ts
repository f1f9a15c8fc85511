import { describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException, TooManyRequestsException } from '@aws-sdk/client-medialive';
import { Conflict, Invalid, NotFound, Throttled, Transient } from '../../../core/domain/errors';
import { deleteIgnoringNotFound, fromAwsError } from '../../../core/aws/calls';

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe('fromAwsError', () => {
  it.each([
    [new TooManyRequestsException({ message: 'slow down', ...meta(429) }), Throttled],
    [new NotFoundException({ message: 'no channel', ...meta(404) }), NotFound],
    [new ConflictException({ message: 'channel is CREATING', ...meta(409) }), Conflict],
    [Object.assign(new Error('boom'), { name: 'InternalServerErrorException', $fault: 'server', ...meta(500) }), Transient],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), Transient],
    [Object.assign(new Error('bad'), { name: 'BadRequestException', ...meta(400) }), Invalid],
  ])('maps %s', (err, expected) => {
    const mapped = fromAwsError(err, 'starting channel');
    expect(mapped).toBeInstanceOf(expected);
    expect(mapped.name).toBe(expected.name);
    expect(mapped.message).toMatch(/^starting channel: /);
  });

  it('passes named errors through unchanged', () => {
    const original = new Conflict('busy');
    expect(fromAwsError(original, 'x')).toBe(original);
  });
});

describe('deleteIgnoringNotFound', () => {
  it('treats a missing resource as deleted and rethrows anything else as a named error', async () => {
    await expect(deleteIgnoringNotFound('deleting', async () => Promise.reject(new NotFoundException({ message: 'gone', ...meta(404) })))).resolves.toBe('absent');
    await expect(deleteIgnoringNotFound('deleting', () => Promise.resolve(undefined))).resolves.toBe('deleted');
    await expect(deleteIgnoringNotFound('deleting', async () => Promise.reject(new ConflictException({ message: 'attached', ...meta(409) })))).rejects.toBeInstanceOf(Conflict);
  });
});
