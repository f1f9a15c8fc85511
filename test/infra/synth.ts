import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { repoPath } from '../../infra/lambda';
import { LiveStreamStack } from '../../infra/stack';

/** The context `cdk synth` gets from cdk.json, so tests see the same feature flags and defaults. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = z
  .object({ context: z.record(z.string(), z.unknown()) })
  .parse(JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8'))).context;

/**
 * Synthesizes the stack as `infra/app.ts` does, with `context` over cdk.json's, without bundling
 * (`aws:cdk:bundling-stacks` = []) and without CDK's built-in CloudFormation schema validation (it
 * costs ~25 s and checks CloudFormation, not this project). Runs cdk-nag's AWS Solutions pack over
 * the same tree. Call once per test file.
 */
export function synthStack(context: Record<string, unknown> = {}) {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
  const stack = new LiveStreamStack(app, 'FrontMasterLiveStream');
  const template = Template.fromStack(stack);
  const nag = new AwsSolutionsChecks(app).validateScope(app);
  return { app, stack, template, nag };
}

// The shapes below are the parts of the synthesized template the tests read, checked with zod when
// read (so a test fails with the path that changed, not with `undefined`). Loose objects keep every
// other key; a value that may be a literal or an intrinsic stays `unknown` until a test narrows it.

export const Ref = z.object({ Ref: z.string() });
export const GetAtt = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) });
export const Join = z.object({ 'Fn::Join': z.tuple([z.string(), z.array(z.unknown())]) });

const strings = z.union([z.string(), z.array(z.string())]);

/** An IAM policy statement (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html). */
export const Statement = z.looseObject({
  Effect: z.enum(['Allow', 'Deny']),
  Action: strings.optional(),
  NotAction: strings.optional(),
  Resource: z.unknown().optional(),
  Principal: z.unknown().optional(),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type Statement = z.infer<typeof Statement>;

export const PolicyDocument = z.looseObject({ Statement: z.array(Statement) });

const Properties = z.looseObject({
  Environment: z.looseObject({ Variables: z.record(z.string(), z.unknown()).optional() }).optional(),
  Roles: z.array(z.unknown()).optional(),
  PolicyDocument: PolicyDocument.optional(),
  AssumeRolePolicyDocument: PolicyDocument.optional(),
  Policies: z.array(z.looseObject({ PolicyName: z.string(), PolicyDocument })).optional(),
  ContainerDefinitions: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const Resource = z.looseObject({
  Type: z.string(),
  Properties: Properties.optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
  DeletionPolicy: z.string().optional(),
});
export type Resource = z.infer<typeof Resource>;

/** The template's resources by logical id, checked against {@link Resource}. */
export function resourcesOf(template: Template): Record<string, Resource> {
  return z.object({ Resources: z.record(z.string(), Resource) }).parse(template.toJSON()).Resources;
}

/** A Lambda function's (or any resource's) environment variables; throws if it has none. */
export function variablesOf(resource: Resource | undefined): Record<string, unknown> {
  const variables = resource?.Properties?.Environment?.Variables;
  if (!variables) throw new Error(`${resource?.Type ?? 'missing resource'} has no Environment.Variables`);
  return variables;
}

/** The logical ids of the roles a policy resource is attached to (`Roles: [{ Ref }]`). */
export function rolesOf(resource: Resource | undefined): string[] {
  return asArray(resource?.Properties?.Roles).map((role) => Ref.parse(role).Ref);
}

/** Every policy statement of the template: IAM policies, roles' inline policies, resource policies. */
export function allStatements(template: Template): { resource: string; statement: Statement }[] {
  const out: { resource: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(resourcesOf(template))) {
    const props = resource.Properties ?? {};
    const documents = [props.PolicyDocument, ...(props.Policies ?? []).map((p) => p.PolicyDocument)];
    for (const doc of documents) for (const statement of doc?.Statement ?? []) out.push({ resource: id, statement });
  }
  return out;
}

/** The statements of the policies attached to role `roleId` (inline policies of the role excluded). */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const resources = resourcesOf(template);
  return allStatements(template)
    .filter(({ resource }) => rolesOf(resources[resource]).includes(roleId))
    .map(({ statement }) => statement);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
