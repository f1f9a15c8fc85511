/**
 * Stream keys live in RTMP URLs (`rtmp://host:port/app/KEY`, `rtmps://…/app/KEY`) and as IVS keys
 * (`sk_…`). Anything shown to a person (log lines, execution history through the API, error
 * messages) passes through here first.
 */
const RTMP_URL = /(rtmps?:\/\/[^/\s"']+\/[^/\s"']+\/)[^\s"'/]+/g;
const IVS_STREAM_KEY = /\bsk_[A-Za-z0-9_-]+/g;
const KEY_FIELDS = new Set(['streamKey', 'stream_key', 'StreamKey']);

export const REDACTED = '***';

export function redactText(text: string): string {
  return text.replace(RTMP_URL, `$1${REDACTED}`).replace(IVS_STREAM_KEY, `sk_${REDACTED}`);
}

/** Deep copy of a JSON value with every stream key replaced by `***`. */
export function redact<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = KEY_FIELDS.has(k) && typeof v === 'string' ? REDACTED : redact(v);
    }
    return out as T;
  }
  return value;
}
