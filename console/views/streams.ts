import { h, replace } from '../dom';
import type { Mount } from '../view';

export const mount: Mount<Record<string, never>> = (root) => {
  replace(root, h('h1', {}, 'Streams'));
  return () => undefined;
};
