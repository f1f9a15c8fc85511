import { CloudWatchClient, InvalidParameterValueException, MissingRequiredParameterException, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from '@jest/globals';
import { bindLocalService } from '../../../local/aws-binding';
import { LocalCloudWatch } from '../../../local/cloudwatch';
import { LOCAL_CREDENTIALS } from '../../../local/credentials';

function aCloudWatch() {
  const local = new LocalCloudWatch();
  return { local, client: bindLocalService(new CloudWatchClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS }), local.service) };
}

// PutMetricData as its SDK model documents it (@aws-sdk/client-cloudwatch, models_0.d.ts,
// PutMetricDataInput and MetricDatum): Namespace and MetricName required, at most 1000 metrics a
// call, no NaN or ±Infinity, values within ±2^360.
describe('local CloudWatch PutMetricData', () => {
  it('keeps each data point under its namespace and metric name, in order', async () => {
    const { local, client } = aCloudWatch();
    const at = new Date('2026-05-01T10:00:00Z');

    await client.send(new PutMetricDataCommand({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value: 3, Unit: 'Count', Timestamp: at }] }));
    await client.send(new PutMetricDataCommand({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value: 0, Unit: 'Count' }, { MetricName: 'Other', Value: 1 }] }));

    expect(local.datapoints('N', 'M').map((p) => [p.value, p.unit])).toEqual([
      [3, 'Count'],
      [0, 'Count'],
    ]);
    expect(local.datapoints('N', 'M')[0].at).toEqual(at);
    expect(local.datapoints('N', 'Other')).toHaveLength(1);
    expect(local.datapoints('Elsewhere', 'M')).toEqual([]);
  });

  it('refuses what CloudWatch refuses, naming the parameter, and keeps none of the call', async () => {
    const { local, client } = aCloudWatch();
    const put = (input: ConstructorParameters<typeof PutMetricDataCommand>[0]) => client.send(new PutMetricDataCommand(input));

    await expect(put({ Namespace: undefined, MetricData: [{ MetricName: 'M', Value: 1 }] })).rejects.toThrow(MissingRequiredParameterException);
    await expect(put({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value: 1 }, { MetricName: undefined, Value: 1 }] })).rejects.toThrow(/MetricData.member.2.MetricName/);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 361]) {
      await expect(put({ Namespace: 'N', MetricData: [{ MetricName: 'M', Value: 1 }, { MetricName: 'M', Value: value }] })).rejects.toThrow(InvalidParameterValueException);
    }
    const tooMany = Array.from({ length: 1001 }, () => ({ MetricName: 'M', Value: 1 }));
    await expect(put({ Namespace: 'N', MetricData: tooMany })).rejects.toThrow(/at most 1000/);
    expect(local.datapoints('N', 'M')).toEqual([]);
  });
});
