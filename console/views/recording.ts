// Placeholder until the recording view lands (console-b owns this file).
import { h, replace } from '../dom';
import type { Mount } from '../view';

export const mount: Mount<{ id: string; sessionId: string }> = (root, params) => {
  replace(root, h('h1', {}, 'Recording'), h('p', {}, `Session ${params.sessionId}`));
  return () => undefined;
};
