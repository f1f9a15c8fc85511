/**
 * An SDK client's own exception, as its deserializer would build it from an HTTP error: the
 * message in both `message` and `Message` (services differ in which one they fill) and the status
 * in `$metadata`, which `core/aws/calls.ts` reads to classify it.
 */
export function serviceError<E>(
  ExceptionClass: new (options: never) => E,
  httpStatusCode: number,
  message: string,
  extra: Record<string, unknown> = {},
): E {
  const options = { message, Message: message, $metadata: { httpStatusCode }, ...extra };
  return new ExceptionClass(options as never);
}
