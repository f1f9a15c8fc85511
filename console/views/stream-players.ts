/**
 * The preview players: "Preview" plays `viewer_endpoint` while the stream runs; "Live preview"
 * plays `live_endpoint`, and exists only while the stream is live.
 */
import { h, replace } from '../dom';
import { play, type Player } from '../player';
import type { StreamRecord } from '../types';
import type { StreamSection } from './stream-section';

interface Slot {
  element: HTMLElement;
  video: HTMLVideoElement;
  status: HTMLElement;
  player?: Player;
}

function slot(label: string): Slot {
  const video = h('video', { 'aria-label': label, controls: true, muted: true, playsinline: true });
  const status = h('p', { class: 'status', role: 'status' });
  return { element: h('figure', { class: 'player' }, video, h('figcaption', {}, label, ' ', status)), video, status };
}

/** Plays `url` in the slot (a new URL restarts it); `undefined` stops it, saying why. */
function set(target: Slot, url: string | undefined, idle: string): void {
  if (target.player?.url === url) return;
  const say = (text: string) => {
    // A status region announces each rewrite: only a change is written.
    if (target.status.textContent !== text) target.status.textContent = text;
  };
  target.player?.stop();
  target.player = undefined;
  if (url === undefined) {
    say(idle);
    return;
  }
  target.player = play(target.video, url, say);
}

export function playersSection(): StreamSection {
  const preview = slot('Preview');
  let live: Slot | undefined;
  const grid = h('div', { class: 'players' }, preview.element);
  const element = h('section', { 'aria-labelledby': 'players-heading' }, h('h2', { id: 'players-heading' }, 'Players'), grid);

  const update = (record: StreamRecord) => {
    const running = record.state === 'running' && record.viewer_endpoint !== '';
    set(preview, running ? record.viewer_endpoint : undefined, 'The preview plays while the stream runs.');
    if (record.live && record.live_endpoint !== null) {
      live ??= slot('Live preview');
      if (live.element.parentNode === null) grid.appendChild(live.element);
      set(live, running ? record.live_endpoint : undefined, 'Live: the preview plays while the stream runs.');
    } else if (live !== undefined) {
      set(live, undefined, '');
      live.element.remove();
      live = undefined;
    }
  };
  return {
    element,
    update,
    stop() {
      set(preview, undefined, '');
      if (live !== undefined) set(live, undefined, '');
      replace(grid);
    },
  };
}
