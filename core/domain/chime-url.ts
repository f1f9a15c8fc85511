import * as z from './zod';

/**
 * The Chime meeting front end streams a meeting only in broadcast mode (`broadcast=true` in the
 * query); the system this one replaces asked operators to append it by hand, and forgetting it
 * gave a connector that joined as a participant and streamed a lobby. We append it when it is missing so both forms work.
 */
export function withBroadcast(chimeUrl: string): string {
  const url = new URL(chimeUrl);
  const value = url.searchParams.get('broadcast');
  if (value === 'true') return chimeUrl;
  if (value !== null) {
    // Present with another value (`broadcast=false`): the connector only works in broadcast mode.
    url.searchParams.set('broadcast', 'true');
    return url.toString();
  }
  // Appended as text, not via searchParams, so the rest of the URL stays byte for byte as given.
  const hashAt = chimeUrl.indexOf('#');
  const base = hashAt === -1 ? chimeUrl : chimeUrl.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : chimeUrl.slice(hashAt);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}broadcast=true${fragment}`;
}

/** A meeting URL as the API accepts it: absolute http(s), at most 2048 chars. */
export const ChimeUrlSchema = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'chime_url must be an absolute http(s) URL'),
);
