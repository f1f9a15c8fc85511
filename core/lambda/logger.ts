import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Structured JSON in Lambda (Powertools), the same lines locally. Never log a
 * record or an SDK input whole: both can hold stream keys. Use {@link redact} on anything that
 * might.
 */
export const logger = new Logger({ serviceName: 'frontmaster-live-stream' });
