/**
 * The sandbox's agent page: plain HTML and JS over the `/sim/` control API. Every text from a
 * conversation is set with `textContent`, never `innerHTML`: contacts write whatever they like.
 */
export const AGENT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Chatwoot sandbox: agent</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 300px 1fr; height: 100vh; }
  aside { border-right: 1px solid #ccc; overflow: auto; padding: 8px; }
  main { display: flex; flex-direction: column; padding: 8px; min-width: 0; }
  #messages { flex: 1; overflow: auto; border: 1px solid #ddd; padding: 8px; margin: 8px 0; background: #fafafa; }
  .conv { padding: 6px; cursor: pointer; border-bottom: 1px solid #eee; }
  .conv.sel { background: #e3efff; }
  .resolved { color: #888; }
  .msg { margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
  .activity { color: #666; font-style: italic; }
  .outgoing { color: #0650b5; }
  .private { background: #fff6d6; }
  .bar { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
  input[type=text] { flex: 1; min-width: 200px; }
</style>
</head>
<body>
<aside>
  <div class="bar"><label>Agent <select id="agent"></select></label></div>
  <h3>Conversations</h3>
  <div id="list"></div>
</aside>
<main>
  <div class="bar">
    <strong id="title">No conversation selected</strong>
    <button id="self">Assign to me</button>
    <button id="unassign">Unassign</button>
    <button id="resolve">Resolve</button>
    <button id="reopen">Reopen</button>
    <button id="pending">Pending</button>
  </div>
  <div id="messages"></div>
  <form id="send" class="bar">
    <input type="text" id="text" placeholder="Reply" autocomplete="off">
    <label><input type="checkbox" id="note"> private note</label>
    <button>Send</button>
  </form>
  <div id="status" class="activity"></div>
</main>
<script>
(function () {
  var selected = null;
  var users = {};
  function el(id) { return document.getElementById(id); }
  function api(method, path, body) {
    return fetch('/sim/' + path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error(data.error || data.message || res.status);
        return data;
      });
    });
  }
  function status(text) { el('status').textContent = text; }
  function fail(error) { status('Error: ' + error.message); }
  function me() { return Number(el('agent').value) || undefined; }

  function renderAgents(list) {
    var select = el('agent'), keep = select.value;
    select.textContent = '';
    list.forEach(function (u) {
      users[u.id] = u;
      var option = document.createElement('option');
      option.value = u.id;
      option.textContent = u.name + ' (' + u.role + ')';
      select.appendChild(option);
    });
    select.value = keep || (list.filter(function (u) { return u.role === 'agent'; })[0] || list[0]).id;
  }

  function renderMessages(c) {
    var box = el('messages');
    var atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.textContent = '';
    c.messages.forEach(function (m) {
      var line = document.createElement('div');
      line.className = 'msg ' + m.messageType + (m.private ? ' private' : '');
      var who = m.sender ? m.sender.name : 'system';
      line.textContent = (m.private ? '[note] ' : '') + who + ': ' + (m.content || '');
      box.appendChild(line);
    });
    if (atBottom) box.scrollTop = box.scrollHeight;
    var assignee = c.assigneeId ? (users[c.assigneeId] || { name: c.assigneeId }).name : 'nobody';
    el('title').textContent = '#' + c.id + ' ' + c.contact.name + ' (' + c.status + ', ' + assignee + ')';
  }

  function renderList(list) {
    var box = el('list');
    box.textContent = '';
    list.slice().reverse().forEach(function (c) {
      var item = document.createElement('div');
      item.className = 'conv' + (c.id === selected ? ' sel' : '') + (c.status === 'resolved' ? ' resolved' : '');
      var last = c.messages.filter(function (m) { return m.messageType !== 'activity' && !m.private; }).pop();
      item.textContent = '#' + c.id + ' ' + c.contact.name + ' [' + c.status + ']' + (last ? ': ' + (last.content || '').slice(0, 40) : '');
      item.onclick = function () { selected = c.id; refresh(); };
      box.appendChild(item);
      if (c.id === selected) renderMessages(c);
    });
  }

  function refresh() {
    return Promise.all([api('GET', 'agents'), api('GET', 'conversations')]).then(function (r) {
      renderAgents(r[0]);
      renderList(r[1]);
    }).catch(fail);
  }

  function act(verb, body) {
    if (!selected) return status('Select a conversation first');
    api('POST', 'conversations/' + selected + '/' + verb, body).then(function () { status(''); refresh(); }).catch(fail);
  }

  el('self').onclick = function () { act('assign', { agentId: me(), by: me() }); };
  el('unassign').onclick = function () { act('assign', { agentId: null, by: me() }); };
  el('resolve').onclick = function () { act('resolve', { agentId: me() }); };
  el('reopen').onclick = function () { act('reopen', { agentId: me() }); };
  el('pending').onclick = function () { act('pending', { agentId: me() }); };
  el('send').onsubmit = function (e) {
    e.preventDefault();
    var text = el('text').value;
    if (!text) return;
    el('text').value = '';
    act(el('note').checked ? 'note' : 'reply', { content: text, agentId: me() });
  };
  el('agent').onchange = refresh;
  refresh();
  setInterval(refresh, 1500);
})();
</script>
</body>
</html>
`;
