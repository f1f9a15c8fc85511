// Placeholder until the execution view lands (console-b owns this file).
import { h, replace } from '../dom';
import type { Mount } from '../view';

export const mount: Mount<{ id: string; executionId: string }> = (root, params) => {
  replace(root, h('h1', {}, 'Execution'), h('p', {}, params.executionId));
  return () => undefined;
};
