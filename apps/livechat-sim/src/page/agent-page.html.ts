/**
 * The sandbox's agent page: plain HTML and JS over the `/sim/` control API. Every text from a chat is
 * set with `textContent`, never `innerHTML`, since customers write whatever they like.
 */
export const AGENT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>LiveChat sandbox: agent</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 280px 1fr; height: 100vh; }
  aside { border-right: 1px solid #ccc; overflow: auto; padding: 8px; }
  main { display: flex; flex-direction: column; padding: 8px; min-width: 0; }
  #events { flex: 1; overflow: auto; border: 1px solid #ddd; padding: 8px; margin: 8px 0; background: #fafafa; }
  .chat { padding: 6px; cursor: pointer; border-bottom: 1px solid #eee; }
  .chat.sel { background: #e3efff; }
  .closed { color: #888; }
  .ev { margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
  .sys { color: #666; font-style: italic; }
  .agent { color: #0650b5; }
  .bar { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
  input[type=text] { flex: 1; min-width: 200px; }
</style>
</head>
<body>
<aside>
  <div class="bar"><label>Agent <select id="agent"></select></label></div>
  <div class="bar"><label><input type="checkbox" id="online"> online</label></div>
  <h3>Chats</h3>
  <div id="chats"></div>
</aside>
<main>
  <div class="bar">
    <strong id="title">No chat selected</strong>
    <button id="join">Join</button>
    <label>to <select id="target"></select></label><button id="transfer">Transfer</button>
    <button id="close">Close</button>
    <button id="inactive">Archive (inactivity)</button>
  </div>
  <div id="events"></div>
  <form id="send" class="bar"><input type="text" id="text" placeholder="Message" autocomplete="off"><button>Send</button></form>
  <div id="status" class="sys"></div>
</main>
<script>
(function () {
  var selected = null;
  var agentsById = {};
  function el(id) { return document.getElementById(id); }
  function api(method, path, body) {
    return fetch('/sim/' + path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error((data.error && data.error.message) || res.status);
        return data;
      });
    });
  }
  function status(text) { el('status').textContent = text; }
  function fail(error) { status('Error: ' + error.message); }
  function currentAgent() { return el('agent').value || undefined; }

  function renderAgents(agents) {
    ['agent', 'target'].forEach(function (id) {
      var select = el(id), keep = select.value;
      select.textContent = '';
      agents.forEach(function (a) {
        agentsById[a.id] = a;
        var option = document.createElement('option');
        option.value = a.id;
        option.textContent = a.name + (a.online ? '' : ' (offline)');
        select.appendChild(option);
      });
      if (keep) select.value = keep;
    });
    var me = agentsById[currentAgent()];
    el('online').checked = !!(me && me.online);
  }

  function author(chat, ev) {
    if (!ev.author_id) return 'system';
    if (ev.author_id === chat.customerId) return 'customer';
    return (agentsById[ev.author_id] || { name: ev.author_id }).name;
  }

  function renderEvents(chat) {
    var box = el('events');
    var atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.textContent = '';
    chat.threads.forEach(function (thread) {
      thread.events.forEach(function (ev) {
        var line = document.createElement('div');
        line.className = 'ev' + (ev.type === 'system_message' ? ' sys' : ev.author_id && ev.author_id !== chat.customerId ? ' agent' : '');
        var body = ev.text !== undefined ? ev.text : ev.type === 'file' ? ev.name + ' ' + ev.url : '[' + ev.type + ']';
        line.textContent = author(chat, ev) + ': ' + body;
        box.appendChild(line);
      });
    });
    if (atBottom) box.scrollTop = box.scrollHeight;
    el('title').textContent = 'Chat ' + chat.id + (chat.active ? '' : ' (closed)') + (chat.kind === 'v2' ? ' [v2]' : '');
  }

  function renderChats(chats) {
    var list = el('chats');
    list.textContent = '';
    chats.slice().reverse().forEach(function (chat) {
      var item = document.createElement('div');
      item.className = 'chat' + (chat.id === selected ? ' sel' : '') + (chat.active ? '' : ' closed');
      var last = chat.threads[chat.threads.length - 1].events.filter(function (e) { return e.text; }).pop();
      item.textContent = chat.id + (chat.active ? '' : ' (closed)') + (last ? ': ' + last.text.slice(0, 40) : '');
      item.onclick = function () { selected = chat.id; refresh(); };
      list.appendChild(item);
      if (chat.id === selected) renderEvents(chat);
    });
  }

  function refresh() {
    return Promise.all([api('GET', 'agents'), api('GET', 'chats')]).then(function (r) {
      renderAgents(r[0]);
      renderChats(r[1]);
    }).catch(fail);
  }

  function act(verb, body) {
    if (!selected) return status('Select a chat first');
    api('POST', 'chats/' + encodeURIComponent(selected) + '/' + verb, body).then(function () { status(''); refresh(); }).catch(fail);
  }

  el('join').onclick = function () { act('join', { agentId: currentAgent() }); };
  el('transfer').onclick = function () { act('transfer', { toAgentId: el('target').value, requesterId: currentAgent() }); };
  el('close').onclick = function () { act('close', { agentId: currentAgent() }); };
  el('inactive').onclick = function () { act('archive-inactive'); };
  el('send').onsubmit = function (e) {
    e.preventDefault();
    var text = el('text').value;
    if (!text) return;
    el('text').value = '';
    act('say', { text: text, agentId: currentAgent() });
  };
  el('online').onchange = function () {
    api('POST', 'agents/online', { online: el('online').checked, agentIds: [currentAgent()] }).then(refresh).catch(fail);
  };
  el('agent').onchange = refresh;
  refresh();
  setInterval(refresh, 1500);
})();
</script>
</body>
</html>
`;
