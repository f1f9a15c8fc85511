import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import { InvalidParameterValueException, MissingRequiredParameterException, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { serviceError } from './service-errors';
import { serviceFromHandlers, type LocalService } from './service';

/** A data point as the local CloudWatch keeps it. */
export interface LocalDatapoint {
  value: number;
  unit: string | undefined;
  at: Date;
}

/**
 * PutMetricData's limits, from its SDK model doc (`@aws-sdk/client-cloudwatch`,
 * models_0.d.ts, PutMetricDataInput / MetricDatum): `Namespace` is required; "The array can
 * include no more than 1000 metrics per call"; `MetricName` is required; "Values must be in the
 * range of -2^360 to 2^360. In addition, special values (for example, NaN, +Infinity, -Infinity)
 * are not supported."
 */
const MAX_METRICS = 1000;
const MAX_MAGNITUDE = 2 ** 360;

/**
 * CloudWatch, locally: PutMetricData only (what the reconciler publishes), checked as CloudWatch
 * checks it, its data points kept in memory so tests and the runtime can read what was published.
 */
export class LocalCloudWatch {
  private readonly points = new Map<string, LocalDatapoint[]>();

  readonly service: LocalService = serviceFromHandlers<typeof CloudWatch>('CloudWatch', {
    PutMetricDataCommand: (input) => {
      if (!input.Namespace) throw missing('Namespace');
      const data = input.MetricData ?? [];
      if (data.length === 0) throw missing('MetricData');
      if (data.length > MAX_METRICS) throw invalid(`MetricData holds ${data.length} metrics; at most ${MAX_METRICS} per call`);
      data.forEach(checkDatum);
      for (const datum of data) this.keep(input.Namespace, datum);
      return {};
    },
  });

  /** What was published under `namespace`/`metricName`, oldest first. */
  datapoints(namespace: string, metricName: string): readonly LocalDatapoint[] {
    return this.points.get(key(namespace, metricName)) ?? [];
  }

  private keep(namespace: string, datum: MetricDatum): void {
    const list = this.points.get(key(namespace, datum.MetricName!)) ?? [];
    list.push({ value: datum.Value ?? 0, unit: datum.Unit, at: datum.Timestamp ?? new Date() });
    this.points.set(key(namespace, datum.MetricName!), list);
  }
}

function checkDatum(datum: MetricDatum, i: number): void {
  if (!datum.MetricName) throw missing(`MetricData.member.${i + 1}.MetricName`);
  for (const value of [datum.Value, ...(datum.Values ?? [])]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
      throw invalid(`The value ${value} for parameter MetricData.member.${i + 1}.Value is invalid.`);
    }
  }
}

function key(namespace: string, metricName: string): string {
  return `${namespace}\n${metricName}`;
}

function missing(parameter: string) {
  return serviceError(MissingRequiredParameterException, 400, `The parameter ${parameter} is required.`);
}

function invalid(message: string) {
  return serviceError(InvalidParameterValueException, 400, message);
}
