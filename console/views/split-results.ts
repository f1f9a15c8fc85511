/**
 * The recording view's split results: each sent section followed to its MP4
 * (`GET /streams/{id}/splits/{execution_id}`), with its download and its execution's link.
 */
import { h, replace } from '../dom';
import { uid } from '../form';
import { hrefOf } from '../routes';

export interface SplitSection {
  index: number;
  state: string;
  download_url?: string;
  error?: string;
}
export interface SplitProgress {
  execution_id: string;
  status: string;
  sections: SplitSection[];
}

/** One sent split: the row it cut (as numbered when it was sent) and what the API says of it. */
export interface Sent {
  row: number;
  executionId?: string;
  progress?: SplitProgress;
  error?: string;
}

export interface SplitResults {
  /** The heading and the list, in their section. */
  element: HTMLElement;
  draw(sent: readonly Sent[]): void;
}

export function splitResults(streamId: string): SplitResults {
  const results = h('ol', { class: 'split-results' });
  const heading = h('h2', { id: uid('split-results'), hidden: true }, 'Split');
  const element = h('section', { 'aria-labelledby': heading.id }, heading, results);

  function draw(sent: readonly Sent[]) {
    heading.hidden = sent.length === 0;
    replace(
      results,
      ...sent.map((s) => {
        const section = s.progress?.sections[0];
        const state = s.error !== undefined ? 'not sent' : section?.state ?? (s.executionId ? 'pending' : 'sending…');
        const link =
          section?.state === 'done' && section.download_url
            ? h('a', { href: section.download_url, download: '', class: 'download' }, `Download section ${s.row}`)
            : null;
        return h(
          'li',
          { 'data-state': state },
          h('strong', {}, `Section ${s.row}`),
          ': ',
          h('span', { class: `split-state state-${state.replace(/\W+/g, '-')}` }, state),
          section?.error ? ` (${section.error})` : null,
          link ? ' ' : null,
          link,
          s.executionId
            ? h('span', { class: 'hint' }, ' · ', h('a', { href: hrefOf({ view: 'execution', id: streamId, executionId: s.executionId }) }, h('span', { class: 'visually-hidden' }, `Section ${s.row} `), 'execution'))
            : null,
        );
      }),
    );
  }
  return { element, draw };
}
