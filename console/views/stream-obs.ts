/**
 * OBS's settings for pipeline 1: "Server" and "Stream key" (masked until asked), with copy
 * buttons. The key stays in this field only: never in the page's URL, a title or a log.
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

  show.addEventListener('click', () => {
    const hidden = key.control.getAttribute('type') === 'password';
    key.control.setAttribute('type', hidden ? 'text' : 'password');
    show.textContent = hidden ? 'Hide stream key' : 'Show stream key';
    show.setAttribute('aria-pressed', String(hidden));
  });
  copyServer.addEventListener('click', () => void copy(server.control as HTMLInputElement, 'Server', status));
  copyKey.addEventListener('click', () => void copy(key.control as HTMLInputElement, 'Stream key', status));

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
      const [serverValue, keyValue] = [settings?.server ?? '', settings?.streamKey ?? ''];
      if (server.control.value !== serverValue) server.control.value = serverValue;
      if (key.control.value !== keyValue) key.control.value = keyValue;
      for (const button of [copyServer, copyKey, show]) button.disabled = settings === undefined;
    },
  };
}

async function copy(input: HTMLInputElement, what: string, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(input.value);
    status.textContent = `${what} copied.`;
  } catch {
    // No clipboard permission (or an insecure context): select it for a manual copy instead.
    input.focus();
    input.select();
    status.textContent = `${what} selected: press Ctrl+C (⌘C) to copy.`;
  }
}
