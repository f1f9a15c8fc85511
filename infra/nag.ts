import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledges findings through CDK's own `Validations.of(scope).acknowledge`, one exact
 * finding id at a time (no patterns). An acknowledgment covers the construct it is made on and
 * everything below it, so each is made on the narrowest construct, next to what it excuses.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges the IAM5 (wildcard resource) findings of the policies under `scope` for exactly
 * these resources, given as the same ARN values (tokens included) the policy statements use, so
 * the finding ids are spelled as cdk-nag spells them.
 */
export function acknowledgeWildcards(scope: IConstruct, reason: string, resources: readonly string[]): void {
  const stack = Stack.of(scope);
  const wildcards = resources.map((arn) => flattenCfnReference(stack.resolve(arn))).filter((flat) => flat.includes('*'));
  const ids = new Set(wildcards.map((flat) => `AwsSolutions-IAM5[Resource::${flat}]`));
  Validations.of(scope).acknowledge(...[...ids].map((id) => ({ id, reason })));
}
