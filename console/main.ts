/**
 * The console's entry: reads where the API is, then mounts the view of the current hash route,
 * unmounting the last one (its polling and players stop with it).
 */
import { createApiClient, loadConfig } from './api-client';
import { h, replace } from './dom';
import { hrefOf, parseRoute } from './routes';
import type { ViewContext } from './view';
import { mount as mountExecution } from './views/execution';
import { mount as mountRecording } from './views/recording';
import { mount as mountStream } from './views/stream';
import { mount as mountStreams } from './views/streams';

function mountRoute(root: HTMLElement, ctx: ViewContext): () => void {
  const route = parseRoute(location.hash);
  switch (route.view) {
    case 'streams':
      return mountStreams(root, {}, ctx);
    case 'stream':
      return mountStream(root, { id: route.id }, ctx);
    case 'recording':
      return mountRecording(root, { id: route.id, sessionId: route.sessionId }, ctx);
    case 'execution':
      return mountExecution(root, { id: route.id, executionId: route.executionId }, ctx);
    case 'not-found':
      replace(root, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, route.hash), '. ', h('a', { href: hrefOf({ view: 'streams' }) }, 'Back to the streams')));
      return () => undefined;
  }
}

async function start(): Promise<void> {
  const root = document.getElementById('main');
  if (root === null) throw new Error('index.html has no #main');
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    replace(root, h('h1', {}, 'Console unavailable'), h('p', { role: 'alert' }, err instanceof Error ? err.message : String(err)));
    return;
  }
  const ctx: ViewContext = {
    api: createApiClient(config),
    navigate: (hash) => {
      location.hash = hash;
    },
  };
  let unmount = mountRoute(root, ctx);
  window.addEventListener('hashchange', () => {
    unmount();
    replace(root);
    unmount = mountRoute(root, ctx);
    // A new page for a screen reader and the keyboard: focus moves to its content.
    root.focus();
  });
}

void start();
