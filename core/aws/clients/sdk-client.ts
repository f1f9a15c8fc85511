import { containerConfig, perContainer } from '../../lambda/container';

/**
 * A factory of the cloud's `Client` of one AWS service, in the container's region, made once per
 * container. Each service has its own module (`core/aws/clients/{service}.ts`) so a Lambda's bundle
 * holds the SDK packages of the clients its handler names and no other.
 */
export function sdkClient<C>(Client: new (config: { region: string }) => C): () => C {
  return perContainer(() => new Client({ region: containerConfig().AWS_REGION }));
}
