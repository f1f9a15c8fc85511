import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LiveStreamStack } from './stack';

/**
 * `npx cdk synth` / `npx cdk deploy` (cdk.json runs this with tsx). The stack is
 * environment-agnostic: account and region come from the credentials at deploy time, so synth
 * works offline. cdk-nag's AWS Solutions rules validate every synth; an unacknowledged finding
 * fails it (acknowledgments, each with its reason, sit next to what they excuse).
 */
const app = new App();
new LiveStreamStack(app, 'FrontMasterLiveStream', {
  description: 'FrontMaster Live Stream: live-stream control plane (MediaLive, MediaPackage, CloudFront, Step Functions)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
