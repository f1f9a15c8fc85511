import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (`infra/lambda.ts`
 * aliases that package to this file; nothing imports it). Lambda hands a function its execution
 * role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * which is the first link of the SDK's default chain, so the chain's other links (SSO, profiles,
 * web identity, container and instance metadata, with the STS/SSO clients they carry: ~135 kB of
 * every bundle) never run there. Same export, same first link; anything else is not a Lambda.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
