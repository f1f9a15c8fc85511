/**
 * One workflow execution as a timeline of its states (`GET /streams/{id}/executions/{execution_id}`):
 * each state's entry time, duration and status, the state it is in (or stopped in) marked
 * `aria-current="step"` with how long it has been there, re-entered states counted, the error in
 * an alert, and in the cloud a link to the execution on the Step Functions console. Polled while
 * it runs; the time in the current state ticks every second between polls.
 */
import { h, replace } from '../dom';
import { alertBox, setAlert } from '../form';
import { poll } from '../poll';
import { hrefOf } from '../routes';
import { formatDuration, formatTime } from '../time';
import { awsConsoleUrl, timelineOf, type ExecutionView } from '../timeline';
import type { Mount } from '../view';

const TICK_MS = 1000;

export const mount: Mount<{ id: string; executionId: string }> = (root, params, ctx) => {
  const path = `/streams/${encodeURIComponent(params.id)}/executions/${encodeURIComponent(params.executionId)}`;
  const heading = h('h1', {}, 'Execution');
  const summary = h('p', { class: 'execution-summary' });
  const alert = alertBox();
  const loadAlert = alertBox();
  const retries = h('p', { class: 'retries' });
  const steps = h('ol', { class: 'timeline', 'aria-label': 'States' });
  const consoleUrl = awsConsoleUrl(params.executionId);
  let execution: ExecutionView | undefined;

  function draw() {
    if (!execution) return;
    const now = new Date();
    const timeline = timelineOf(execution, now);
    replace(heading, `${execution.action} execution `, h('span', { class: `badge state-${execution.status.toLowerCase()}` }, execution.status));
    replace(
      summary,
      `Started ${formatTime(execution.started_at)}`,
      execution.stopped_at ? ` · ended ${formatTime(execution.stopped_at)}` : ' · running',
      ` · ${formatDuration(timeline.elapsed_ms / 1000)} in all`,
    );
    setAlert(alert, ...(execution.error ? [`${execution.error.error}: ${execution.error.message}`] : []));
    replace(
      retries,
      'Retries: ',
      timeline.retries.length === 0 ? 'none' : timeline.retries.map((r) => `${r.state} ×${r.count}`).join(', '),
    );
    replace(
      steps,
      ...timeline.steps.map((step) =>
        h(
          'li',
          { class: `step status-${step.status.toLowerCase()}${step.current ? ' current' : ''}`, ...(step.current ? { 'aria-current': 'step' } : {}) },
          h('span', { class: 'step-name' }, step.state),
          step.entry > 1 ? h('span', { class: 'hint' }, ` (entry ${step.entry})`) : null,
          ' · ',
          h('span', { class: 'step-status' }, step.status),
          ' · entered ',
          h('time', { datetime: step.entered_at }, formatTime(step.entered_at)),
          ' · ',
          step.current && execution!.status === 'RUNNING'
            ? h('strong', {}, `here for ${formatDuration(step.duration_ms / 1000)}`)
            : h('span', {}, formatDuration(step.duration_ms / 1000)),
        ),
      ),
    );
  }

  replace(
    root,
    h('p', {}, h('a', { href: hrefOf({ view: 'stream', id: params.id }) }, '← Stream')),
    heading,
    h('p', { class: 'hint' }, h('code', {}, params.executionId)),
    consoleUrl ? h('p', {}, h('a', { href: consoleUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Open in AWS console')) : null,
    summary,
    alert,
    loadAlert,
    retries,
    steps,
  );

  const stopPolling = poll(async () => {
    try {
      execution = await ctx.api.request<ExecutionView>('GET', path);
      setAlert(loadAlert);
      draw();
      if (execution.status !== 'RUNNING') stopPolling();
    } catch (err) {
      setAlert(loadAlert, `The execution cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  // Between polls, the time in the current state moves on by itself.
  const ticker = setInterval(() => {
    if (execution?.status === 'RUNNING') draw();
  }, TICK_MS);

  return () => {
    stopPolling();
    clearInterval(ticker);
  };
};
