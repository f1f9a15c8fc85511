import { h } from './dom';
import type { StreamRecord } from './types';

/** The state badge (its text is the state), then "live" and "connector" when they apply. */
export function stateBadges(record: Pick<StreamRecord, 'state' | 'live' | 'connector'>): HTMLElement[] {
  const badges = [h('span', { class: `badge state-${record.state}`, 'data-badge': 'state' }, record.state)];
  if (record.live) badges.push(h('span', { class: 'badge live', 'data-badge': 'live' }, 'live'));
  if (record.connector !== null) {
    badges.push(h('span', { class: 'badge connector', 'data-badge': 'connector', title: `connector ${record.connector.state}` }, 'connector'));
  }
  return badges;
}

/** What the badges show, to redraw them only when it changed. */
export function badgeKey(record: Pick<StreamRecord, 'state' | 'live' | 'connector'>): string {
  return `${record.state}|${record.live}|${record.connector?.state ?? ''}`;
}
