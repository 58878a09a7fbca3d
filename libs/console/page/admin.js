// Entry point of the admin screens: the console's session (same tab), the tabs, the dialogs' Cancel.
import { me, signedIn, gate } from './admin-api.js';
import { initAgents, loadAgents } from './admin-agents.js';
import { initCanned, loadCanned } from './admin-canned.js';
import { initDispositions, loadDispositions } from './admin-dispositions.js';
import { initHours, loadHours } from './admin-hours.js';
import { initTexts, loadTexts } from './admin-texts.js';
import { initTeams, loadTeams } from './admin-teams.js';
import { $ } from './util.js';

const TABS = { agents: loadAgents, canned: loadCanned, dispositions: loadDispositions, teams: loadTeams, hours: loadHours, texts: loadTexts };

for (const d of document.querySelectorAll('dialog')) {
  for (const cancel of d.querySelectorAll('[data-cancel]')) cancel.addEventListener('click', () => d.close());
}

if (!signedIn()) gate('Sign in on the console first.');
else if (me?.role !== 'admin') gate('Only admins can use this page.', 'Back to the console');
else {
  $('#me').textContent = `Signed in as ${me.name}`;
  initAgents();
  initCanned();
  initDispositions();
  initTeams();
  initHours();
  initTexts();
  window.addEventListener('hashchange', show);
  show();
}

/** One tab at a time, from the URL's hash, so a tab can be linked to and reloaded. */
function show() {
  const tab = location.hash.slice(1) in TABS ? location.hash.slice(1) : 'agents';
  for (const name of Object.keys(TABS)) {
    $(`#panel-${name}`).hidden = name !== tab;
    const link = document.querySelector(`[data-tab="${name}"]`);
    if (name === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${document.querySelector(`[data-tab="${tab}"]`).textContent} · Console admin`;
  // The panel still shows what it held when last open: not editable until it is reloaded, or an
  // edit started in it would be wiped by the fresh rows.
  const panel = $(`#panel-${tab}`);
  panel.inert = true;
  panel.setAttribute('aria-busy', 'true');
  Promise.resolve(TABS[tab]()).finally(() => {
    panel.inert = false;
    panel.removeAttribute('aria-busy');
  });
}
