import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { repoPath } from '../../infra/lambda';
import { LiveStreamStack } from '../../infra/stack';

/** The context `cdk synth` gets from cdk.json, so tests see the same feature flags and defaults. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')).context;

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

export type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, unknown> };

/** Every policy statement of the template: IAM policies, roles' inline policies, resource policies. */
export function allStatements(template: Template): { resource: string; statement: Record<string, any> }[] {
  const out: { resource: string; statement: Record<string, any> }[] = [];
  const resources = template.toJSON().Resources as Record<string, Resource>;
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    const documents = [
      props.PolicyDocument,
      ...((props.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument),
    ].filter(Boolean) as { Statement: Record<string, any>[] }[];
    for (const doc of documents) for (const statement of doc.Statement) out.push({ resource: id, statement });
  }
  return out;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
