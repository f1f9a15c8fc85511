/**
 * OBS's settings for pipeline 1: "Server" and "Stream key" (hidden until asked), with copy
 * buttons. The key is kept in this closure; it is put in the field only while shown (a masked
 * password input still holds its value in the DOM), and never in the page's URL, a title or a log.
 */
import { h } from '../dom';
import { inputField } from '../form';
import { obsSettings } from '../obs';
import type { StreamSection } from './stream-section';

export function obsSection(): StreamSection {
  const server = inputField('Server', 'obs_server', { readonly: true, autocomplete: 'off', spellcheck: false });
  const key = inputField('Stream key', 'obs_key', { type: 'password', readonly: true, autocomplete: 'off', spellcheck: false });
  const status = h('p', { class: 'status', role: 'status' });
  const show = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Show stream key');
  const copyServer = h('button', { type: 'button', class: 'secondary' }, 'Copy server');
  const copyKey = h('button', { type: 'button', class: 'secondary' }, 'Copy stream key');
  const missing = h('p', { class: 'hint' }, 'The ingest URL is there once the stream has been created.');

  /** The current key, kept out of the DOM while hidden. */
  let keyValue = '';
  let shown = false;
  const showKey = (next: boolean) => {
    shown = next;
    key.control.setAttribute('type', shown ? 'text' : 'password');
    const value = shown ? keyValue : '';
    if (key.control.value !== value) key.control.value = value;
    const label = shown ? 'Hide stream key' : 'Show stream key';
    if (show.textContent !== label) show.textContent = label;
    show.setAttribute('aria-pressed', String(shown));
  };
  show.addEventListener('click', () => showKey(!shown));
  copyServer.addEventListener('click', () => void copy(server.control.value, 'Server', status, server.control as HTMLInputElement));
  // Copied from the closure; a manual copy (no clipboard) needs it in the field, so it is shown.
  copyKey.addEventListener('click', () => void copy(keyValue, 'Stream key', status, key.control as HTMLInputElement, () => showKey(true)));

  const element = h(
    'section',
    { class: 'obs panel', 'aria-labelledby': 'obs-heading' },
    h('h2', { id: 'obs-heading' }, 'OBS settings'),
    h('p', { class: 'hint' }, 'In OBS: Settings → Stream → Service “Custom…”, then paste these two.'),
    missing,
    h('div', { class: 'row' }, server.element, copyServer),
    h('div', { class: 'row' }, key.element, show, copyKey),
    status,
  );
  return {
    element,
    update(record) {
      const settings = obsSettings(record.rtmp1);
      missing.hidden = settings !== undefined;
      const serverValue = settings?.server ?? '';
      if (server.control.value !== serverValue) server.control.value = serverValue;
      keyValue = settings?.streamKey ?? '';
      showKey(shown && keyValue !== '');
      for (const button of [copyServer, copyKey, show]) button.disabled = settings === undefined;
    },
  };
}

async function copy(value: string, what: string, status: HTMLElement, input: HTMLInputElement, reveal?: () => void): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
    status.textContent = `${what} copied.`;
  } catch {
    // No clipboard permission (or an insecure context): select it for a manual copy instead.
    reveal?.();
    input.focus();
    input.select();
    status.textContent = `${what} selected: press Ctrl+C (⌘C) to copy.`;
  }
}
