import { h, replace } from '../dom';
import type { Mount } from '../view';

export const mount: Mount<{ id: string }> = (root, params) => {
  replace(root, h('h1', {}, params.id));
  return () => undefined;
};
