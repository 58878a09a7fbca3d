// The admin REST API with the console's token, and the small dialog helpers the admin screens share.
import { loadSession } from './state.js';
import { $ } from './util.js';

const session = loadSession();
export const me = session?.agent ?? null;
const token = session && Date.parse(session.expiresAt) > Date.now() ? session.token : null;

/** Hides the screens and says why; the page is of no use without an admin's session. */
export function gate(text, linkText = 'Go to the console sign-in') {
  for (const p of document.querySelectorAll('.panel')) p.hidden = true;
  document.querySelector('.tabs').hidden = true;
  const box = $('#gate');
  box.replaceChildren(text, ' ');
  const link = document.createElement('a');
  link.href = './';
  link.textContent = linkText;
  box.append(link);
  box.hidden = false;
}

export const signedIn = () => token !== null;

/** Never rejects: { ok, status, data, error } with the server's message on failure. */
export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(`api/admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, data: null, error: 'Cannot reach the server. Check the connection and try again.' };
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401) gate('Your session has ended. Sign in on the console again, then come back.');
  if (res.status === 403) gate('Only admins can use this page.', 'Back to the console');
  return { ok: res.ok, status: res.status, data, error: data?.errors?.[0]?.msg ?? `The server answered HTTP ${res.status}.` };
}

export function showError(selector, text) {
  const p = $(selector);
  p.hidden = !text;
  p.textContent = text ?? '';
}

/** Asks before something that cannot be undone from here; resolves true once `action` succeeded. */
export function confirmAction({ title, text, ok, action }) {
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = ok;
  showError('#confirm-error', null);
  return new Promise((resolve) => {
    const button = $('#confirm-ok');
    const onClick = async (e) => {
      e.preventDefault();
      button.disabled = true;
      const error = await action();
      button.disabled = false;
      if (error) return showError('#confirm-error', error);
      dialog.close('done');
    };
    button.addEventListener('click', onClick);
    dialog.addEventListener('close', () => {
      button.removeEventListener('click', onClick);
      resolve(dialog.returnValue === 'done');
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** Shows a set-password link once, to pass on; it is not kept anywhere on the page. */
export function showLink(agent, invite, what) {
  $('#link-text').textContent = `${what} Send this link to ${agent.name} (${agent.email}); it works once.`;
  $('#link-url').value = invite.url;
  $('#link-expiry').textContent = `Valid until ${new Date(invite.expiresAt).toLocaleString()}.`;
  const dialog = $('#link-dialog');
  dialog.addEventListener('close', () => ($('#link-url').value = ''), { once: true });
  dialog.showModal();
  $('#link-url').select();
}
