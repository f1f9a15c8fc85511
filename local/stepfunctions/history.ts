import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';

/** One entry of aws-local-stepfunctions' event log (the package doesn't export the type). */
export type EngineEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** A history event as kept on disk: the cloud's shape with the timestamp as an ISO string. */
export type StoredEvent = Omit<HistoryEvent, 'timestamp'> & { timestamp: string };

const json = (value: unknown) => JSON.stringify(value ?? null);
const LAMBDA = { resourceType: 'lambda', resource: 'invoke' } as const;

function stateKey(event: { state: { name: string }; index?: number }): string {
  return `${event.state.name}#${event.index ?? ''}`;
}

/** What the engine calls an error's cause may be any value; the cloud's history has a string. */
function causeText(cause: unknown): string {
  return typeof cause === 'string' ? cause : json(cause);
}

/**
 * Turns the engine's event log into Step Functions' execution history (`GetExecutionHistory`):
 * the same event types (`TaskStateEntered`, `TaskScheduled`, `TaskFailed`, `MapIterationStarted`,
 * `ExecutionFailed`, …) and detail fields, numbered in order. Task states get the task events
 * the cloud records around each invocation (scheduled, started, succeeded or failed; the local
 * TaskSucceeded carries no output, the state's exit does), so the API
 * and the console-minded reader see the same story locally as in the cloud.
 */
export class HistoryRecorder {
  private lastId = 0;
  /** States (by name and Map iteration) whose failure a Catch took: they exit without succeeding. */
  private readonly caught = new Set<string>();

  /**
   * @param integrationOfState Task states that call a service themselves (`arn:aws:states:::{service}:{action}`),
   *   recorded as that service's task; every other Task state is a Lambda invocation.
   */
  constructor(
    private readonly region: string,
    private readonly integrationOfState: Readonly<Record<string, string>> = {},
  ) {}

  /** The task's `resourceType`/`resource` as the cloud's history names them, e.g. `mediaconvert` / `createJob.sync`. */
  private resourceOf(stateName: string): { resourceType: string; resource: string } {
    const integration = this.integrationOfState[stateName];
    if (!integration) return LAMBDA;
    const [resourceType = '', resource = ''] = integration.slice(integration.lastIndexOf(':::') + 3).split(':');
    return { resourceType, resource };
  }

  /** The id the next event gets (for events the service records itself, e.g. ExecutionAborted). */
  nextId(): number {
    return ++this.lastId;
  }

  /** The history events for one engine event (several for a task, none for what the cloud doesn't record). */
  convert(event: EngineEvent): StoredEvent[] {
    const at = new Date(event.timestamp).toISOString();
    const out: StoredEvent[] = [];
    const add = (type: string, details: Record<string, unknown>) => {
      const id = ++this.lastId;
      out.push({ timestamp: at, type: type as StoredEvent['type'], id, previousEventId: id - 1, ...details });
    };
    const scheduleTask = (stateName: string, input: unknown) => {
      const resource = this.resourceOf(stateName);
      add('TaskScheduled', { taskScheduledEventDetails: { ...resource, region: this.region, parameters: json(input) } });
      add('TaskStarted', { taskStartedEventDetails: resource });
      // A `.sync` task records the job's submission, then waits without events until it ends.
      if (resource.resource.endsWith('.sync')) add('TaskSubmitted', { taskSubmittedEventDetails: resource });
    };
    switch (event.type) {
      case 'ExecutionStarted':
        add('ExecutionStarted', { executionStartedEventDetails: { input: json(event.input), inputDetails: { truncated: false } } });
        break;
      case 'ExecutionSucceeded':
        add('ExecutionSucceeded', { executionSucceededEventDetails: { output: json(event.output), outputDetails: { truncated: false } } });
        break;
      case 'ExecutionFailed':
        add('ExecutionFailed', { executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } });
        break;
      case 'ExecutionTimeout':
        add('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'the execution ran past its TimeoutSeconds' } });
        break;
      case 'ExecutionAborted':
        // Recorded by the service itself, with the error and cause StopExecution was given.
        break;
      case 'StateEntered': {
        const { name, type, input } = event.state;
        add(`${type}StateEntered`, { stateEnteredEventDetails: { name, input: json(input), inputDetails: { truncated: false } } });
        if (type === 'Task') scheduleTask(name, input);
        if (type === 'Map') add('MapStateStarted', { mapStateStartedEventDetails: {} });
        if (type === 'Parallel') add('ParallelStateStarted', {});
        break;
      }
      case 'StateExited': {
        const { name, type, output } = event.state;
        // A state whose error was caught exits too, but it did not succeed.
        if (!this.caught.delete(stateKey(event))) {
          if (type === 'Task') add('TaskSucceeded', { taskSucceededEventDetails: this.resourceOf(name) });
          if (type === 'Map') add('MapStateSucceeded', {});
          if (type === 'Parallel') add('ParallelStateSucceeded', {});
        }
        add(`${type}StateExited`, { stateExitedEventDetails: { name, output: json(output), outputDetails: { truncated: false } } });
        break;
      }
      case 'StateFailed': {
        const details = { ...this.resourceOf(event.state.name), error: event.Error, cause: causeText(event.Cause) };
        if (event.state.type === 'Task' && event.Error === 'States.Timeout') {
          add('TaskTimedOut', { taskTimedOutEventDetails: details });
        } else if (event.state.type === 'Task') add('TaskFailed', { taskFailedEventDetails: details });
        else if (event.state.type === 'Map') add('MapStateFailed', {});
        else if (event.state.type === 'Parallel') add('ParallelStateFailed', {});
        break;
      }
      case 'StateCaught':
        this.caught.add(stateKey(event));
        break;
      case 'StateRetried':
        if (event.state.type === 'Task') scheduleTask(event.state.name, event.state.input);
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        add(event.type, { [`${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`]: { name: event.parentState.name, index: event.index } });
        break;
      default:
        // ParallelBranch*: the cloud's history has no events of its own for branches.
        break;
    }
    return out;
  }
}
