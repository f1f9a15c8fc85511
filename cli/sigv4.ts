import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { RequestFailed, UsageError } from './errors';
import type { Exchange } from './http';

/**
 * SigV4 for the cloud API: API Gateway's IAM authorization (service `execute-api`) is the only
 * auth the API has, so the CLI and `fmls console` sign every request to it with the operator's
 * credentials from the standard chain (environment, `AWS_PROFILE`, SSO, …), as the AWS CLI would.
 */

export const SERVICE = 'execute-api';

/** `{api-id}.execute-api.{region}.amazonaws.com` (also `.amazonaws.com.cn`), the name API Gateway gives an API. */
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/;


/**
 * The signing region: the one in an execute-api host name, else `AWS_REGION` (or
 * `AWS_DEFAULT_REGION`), for a custom domain name in front of the API.
 */
export function regionOf(hostname: string, env: NodeJS.ProcessEnv): string {
  const fromHost = EXECUTE_API_HOST.exec(hostname.toLowerCase())?.[1];
  const region = fromHost ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError(`--api: cannot tell the AWS region of ${hostname} (not an {api}.execute-api.{region}.amazonaws.com name); set AWS_REGION`);
  }
  return region;
}

/** Credentials as SignatureV4 takes them: a provider function (the chain) or static ones (tests). */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** Signs an exchange in place of itself: the same request plus `authorization`, `x-amz-date`, … */
export type Signer = (req: Exchange) => Promise<Exchange>;

/** The credential chain, loaded only when something is signed: a local command never pays for it. */
async function defaultCredentials(): Promise<Credentials> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}

export function sigV4Signer(region: string, credentials?: Credentials): Signer {
  let signer: SignatureV4 | undefined;
  return async (req) => {
    if (!signer) {
      const provider = credentials ?? (await defaultCredentials());
      signer = new SignatureV4({ service: SERVICE, region, sha256: Sha256, credentials: provider });
    }
    const host = req.headers.host;
    let signed;
    try {
      signed = await signer.sign({
        method: req.method,
        protocol: req.url.protocol,
        hostname: host,
        path: req.url.pathname,
        query: Object.fromEntries(req.url.searchParams),
        headers: { ...req.headers },
        body: req.body,
      });
    } catch (err) {
      // The chain's messages say which sources it tried; none holds a secret.
      throw new RequestFailed(`could not sign the request with AWS credentials: ${(err as Error).message}`);
    }
    return { ...req, headers: signed.headers };
  };
}
