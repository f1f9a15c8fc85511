/**
 * On Node < 22 the AWS SDK for JavaScript v3 warns at its first client, in nine lines, that its
 * releases after the first week of January 2027 require Node 22 (`@aws-sdk/core`,
 * `emitWarningIfUnsupportedVersion`). The versions pinned here run on Node 20, so `npm start` turns
 * that warning off with the SDK's own switch and says the same in one line of its banner instead
 * ({@link nodeNotice}). Imported for its effect before anything that makes an SDK client.
 */

/** The Node major the SDK's releases after January 2027 require, and the Lambdas run on (nodejs22.x). */
const SDK_NODE_MAJOR = 22;

function majorOf(version: string): number {
  return Number.parseInt(version.replace(/^v/, ''), 10);
}

/** The banner's line about this Node, when it is older than the SDK's coming minimum; else undefined. */
export function nodeNotice(version = process.version): string | undefined {
  if (majorOf(version) >= SDK_NODE_MAJOR) return undefined;
  return `Node ${version}: runs everything here; AWS SDK v3 releases after the first week of January 2027 need Node ≥ ${SDK_NODE_MAJOR}, which is recommended`;
}

if (nodeNotice() !== undefined) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
