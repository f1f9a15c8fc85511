import { describe, expect, it } from '@jest/globals';
import {
  ArchivePathSchema,
  LONGEST_SESSION_OBJECT_NAME_BYTES,
  MAX_ARCHIVE_PREFIX_BYTES,
  StartOptionsSchema,
  archiveDestinationUrls,
  defaultArchivePath,
  normalizeArchivePath,
  parseArchivePath,
  sessionIdFor,
  sessionOf,
} from '../../../core/domain/archive-path';
import { splitOutputs } from '../../../core/domain/split-outputs';

const STREAM = '0123456789abcdef0123456789abcdef';

describe('archive path rules', () => {
  it('derives a 32-hex session id from the execution name, the same every time, different per execution', () => {
    // Act
    const first = sessionIdFor('start-x-v2');
    const again = sessionIdFor('start-x-v2');
    const other = sessionIdFor('start-x-v3');

    // Assess
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('builds the default path from the UTC date and epoch of the start', () => {
    // 2024-03-05T23:30:00Z is already the 6th in UTC+2, still the 5th in UTC.
    const at = new Date('2024-03-05T23:30:00.789Z');

    expect(defaultArchivePath('arch', STREAM, at)).toBe(`s3://arch/2024/03/05/${STREAM}-1709681400/`);
  });

  it('uses the given path (with a trailing slash) over the default', () => {
    const at = new Date('2024-01-01T00:00:00Z');

    const given = sessionOf({ executionName: 'e', streamId: STREAM, bucket: 'arch', startedAt: at, path: 's3://b/p/q' });
    const dflt = sessionOf({ executionName: 'e', streamId: STREAM, bucket: 'arch', startedAt: at });

    expect(given).toEqual({ session_id: sessionIdFor('e'), archive_path: 's3://b/p/q/' });
    expect(dflt.archive_path).toBe(`s3://arch/2024/01/01/${STREAM}-1704067200/`);
  });

  it('normalizes only a missing trailing slash', () => {
    expect(normalizeArchivePath('s3://b/p/')).toBe('s3://b/p/');
    expect(normalizeArchivePath('s3://b')).toBe('s3://b/');
  });

  it('points both pipelines at their own base under the session path', () => {
    expect(archiveDestinationUrls('s3://b/p/')).toEqual(['s3://b/p/archive_1', 's3://b/p/archive_2']);
  });

  it('splits an s3 URI into bucket and key prefix', () => {
    expect(parseArchivePath('s3://b/2024/01/01/x-1/')).toEqual({ bucket: 'b', prefix: '2024/01/01/x-1/' });
    expect(parseArchivePath('s3://b/')).toEqual({ bucket: 'b', prefix: '' });
    expect(() => parseArchivePath('https://b/p/')).toThrow(/not an s3:\/\/ URI/);
  });

  it.each(['s3://my-bucket/', 's3://my.bucket/a/b/', 's3://abc/prefix', 's3://abc'])('accepts %s', (path) => {
    expect(ArchivePathSchema.safeParse(path).success).toBe(true);
  });

  it.each(['http://b/p/', 's3://B/p/', 's3://ab/p/', 's3://bucket//p/', 's3://bucket/a b/', 's3://bucket/p?x=1'])(
    'rejects %s',
    (path) => {
      expect(ArchivePathSchema.safeParse(path).success).toBe(false);
    },
  );
});

describe('start options', () => {
  it('accepts the documented ranges and no options at all', () => {
    expect(StartOptionsSchema.safeParse({}).success).toBe(true);
    expect(
      StartOptionsSchema.safeParse({ path: 's3://bucket/p/', startover_window_seconds: 0, key_rotation_interval: 0 }).success,
    ).toBe(true);
    expect(StartOptionsSchema.safeParse({ startover_window_seconds: 1_209_600, key_rotation_interval: 86_400 }).success).toBe(
      true,
    );
  });

  it.each([
    { startover_window_seconds: -1 },
    { startover_window_seconds: 1_209_601 },
    { startover_window_seconds: 1.5 },
    { key_rotation_interval: 59 },
    { key_rotation_interval: 86_401 },
    { path: 'https://b/p/' },
  ])('rejects %o', (options) => {
    expect(StartOptionsSchema.safeParse(options).success).toBe(false);
  });
});

describe('the key budget of a session prefix', () => {
  it('leaves room for the longest name the code writes under it (S3 keys are at most 1,024 bytes)', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html: 1,024 bytes, prefix included.
    const root = 's3://b/';
    const names = [
      ...archiveDestinationUrls(root).map((url) => `${url}.000001.ts`),
      ...splitOutputs({ archivePath: root, outputBucket: 'b', nameModifier: 'm'.repeat(64), sections: Array.from({ length: 100 }, () => ({ start: 0, end: 1 })) }).map(
        (o) => o.playlist,
      ),
    ].map((uri) => uri.slice(root.length));
    expect(Math.max(...names.map((n) => Buffer.byteLength(n)))).toBe(LONGEST_SESSION_OBJECT_NAME_BYTES);
    expect(MAX_ARCHIVE_PREFIX_BYTES + LONGEST_SESSION_OBJECT_NAME_BYTES).toBe(1024);
  });
});
