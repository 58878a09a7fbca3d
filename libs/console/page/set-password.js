// The one-time set-password link an admin handed out (an invite or a reset). The token is in the
// URL's fragment, which is never sent to the server or in a Referer; it is dropped from the address
// bar at once.
import { $ } from './util.js';

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
history.replaceState(null, '', location.pathname);

const post = async (path, body) => {
  try {
    const res = await fetch(`api/set-password${path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    const data = await res.json().catch(() => null);
    return { ok: res.ok, data, error: data?.errors?.[0]?.msg ?? `The server answered HTTP ${res.status}.` };
  } catch {
    return { ok: false, data: null, error: 'Cannot reach the server. Check the connection and try again.' };
  }
};

function error(text) {
  $('#setpw-error').hidden = !text;
  $('#setpw-error').textContent = text ?? '';
}

const inputs = () => [$('#setpw-password'), $('#setpw-again'), $('#setpw-submit')];

async function start() {
  if (!token) {
    $('#setpw-for').textContent = 'This page needs the link an admin gave you.';
    return;
  }
  const res = await post('/check', { token });
  if (!res.ok) {
    $('#setpw-for').textContent = '';
    return error(res.error);
  }
  $('#setpw-for').textContent = `For ${res.data.name} (${res.data.email}).`;
  for (const i of inputs()) i.disabled = false;
  $('#setpw-password').focus();
  $('#setpw-form').addEventListener('submit', submit);
}

async function submit(e) {
  e.preventDefault();
  const password = $('#setpw-password').value;
  if (password.length < 8) return error('The password needs at least 8 characters.');
  if (password !== $('#setpw-again').value) return error('The two passwords differ.');
  error(null);
  $('#setpw-submit').disabled = true;
  const res = await post('', { token, password });
  if (!res.ok) {
    $('#setpw-submit').disabled = false;
    return error(res.error);
  }
  for (const i of inputs()) {
    i.disabled = true;
    if (i.type === 'password') i.value = '';
  }
  $('#setpw-done').hidden = false;
}

start();
