/**
 * Talks to the simulator as Kore's web SDK talks to the platform (jwtgrant → rtm/start → web socket).
 * Message text only ever reaches the page through textContent.
 */
export const CHAT_PAGE_SCRIPT = `(function () {
  'use strict';
  var log = document.getElementById('log');
  var form = document.getElementById('composer');
  var input = document.getElementById('text');
  var button = document.getElementById('send');
  var status = document.getElementById('status');
  var params = new URLSearchParams(location.search);
  var userId = params.get('userId') || 'u-demo-' + Math.random().toString(36).slice(2, 10);
  var botId = params.get('botId') || '';
  var socket = null;
  var botInfo = null;
  var nextId = Date.now();
  var typing = false;
  var typingTimer = null;

  function show(kind, text) {
    var row = document.createElement('div');
    row.className = 'msg ' + kind;
    row.textContent = String(text);
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  function setStatus(text) { status.textContent = text; }

  /** A template's text, from the frame's component or from the JSON a stored message holds. */
  function templateOf(part) {
    if (part && part.component && part.component.type === 'template' && part.component.payload) return part.component.payload;
    return null;
  }

  function storedTemplate(text) {
    if (typeof text !== 'string' || text.charAt(0) !== '{') return null;
    try {
      var parsed = JSON.parse(text);
      return parsed && parsed.type === 'template' && parsed.payload ? parsed.payload : null;
    } catch (e) { return null; }
  }

  /** Quick replies and postback buttons, as Kore's Web SDK shows them: choosing one sends its payload. */
  function showTemplate(payload, live) {
    show('bot', typeof payload.text === 'string' ? payload.text : '');
    var options = (payload.quick_replies || payload.buttons || []).filter(function (o) { return o && typeof o.title === 'string'; });
    if (!options.length) return;
    var box = document.createElement('div');
    box.className = 'choices';
    box.setAttribute('data-template', String(payload.template_type));
    options.forEach(function (option) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = option.title;
      b.disabled = !live || option.payload === undefined;
      b.setAttribute('data-payload', String(option.payload));
      b.addEventListener('click', function () {
        Array.prototype.forEach.call(box.querySelectorAll('button'), function (x) { x.disabled = true; });
        var id = nextId++;
        send({ clientMessageId: id, message: { body: String(option.payload), renderMsg: option.title, attachments: [] }, resourceid: '/bot.message', botInfo: botInfo, id: id });
        show('user', option.title);
      });
      box.appendChild(b);
    });
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }

  function api(method, url, body, token) {
    var headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'bearer ' + token;
    return fetch(url, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (res) {
        if (!res.ok) throw new Error(method + ' ' + url.split('?')[0] + ' answered ' + res.status);
        return res.json();
      });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function clientEvent(type, id) {
    var event = { type: type };
    if (id) event.id = id;
    send({ resourceid: '/bot.clientEvent', preDefinedEvent: event, customEvent: {}, botInfo: botInfo, id: nextId++ });
  }

  function stopTyping() {
    clearTimeout(typingTimer);
    if (typing) { typing = false; clientEvent('TYPING_STOPPED'); }
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') return;
    if (!typing) { typing = true; clientEvent('TYPING_STARTED'); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 2000);
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    stopTyping();
    var id = nextId++;
    send({ clientMessageId: id, message: { body: text, attachments: [] }, resourceid: '/bot.message', botInfo: botInfo, id: id });
    show('user', text);
    input.value = '';
  });

  function onFrame(event) {
    var frame;
    try { frame = JSON.parse(event.data); } catch (e) { return; }
    if (frame.type === 'bot_response') {
      (frame.message || []).forEach(function (part) {
        var template = templateOf(part);
        if (template) showTemplate(template, true);
        else show('bot', part && part.cInfo ? part.cInfo.body : '');
      });
      if (frame.messageId && document.visibilityState === 'visible') clientEvent('MESSAGE_READ', frame.messageId);
    } else if (frame.type === 'user_message') {
      show('user', frame.message ? frame.message.body : '');
    } else if (frame.type === 'events' && frame.preDefinedEvent) {
      setStatus('connected as ' + userId + ' · ' + frame.preDefinedEvent.type.toLowerCase().replace('_', ' '));
    } else if (frame.ok === false && frame.error) {
      show('note', 'error: ' + frame.error.msg);
    }
  }

  function connect() {
    var query = new URLSearchParams({ userId: userId });
    if (botId) query.set('botId', botId);
    var token;
    return api('GET', '/sim/demo-token?' + query.toString())
      .then(function (demo) {
        botInfo = demo.botInfo;
        return api('POST', '/api/1.1/oAuth/token/jwtgrant', { assertion: demo.assertion, botInfo: botInfo });
      })
      .then(function (grant) {
        token = grant.authorization.accessToken;
        var historyUrl = '/api/botmessages/rtm?botId=' + encodeURIComponent(botInfo.taskBotId) + '&limit=50';
        return api('GET', historyUrl, null, token);
      })
      .then(function (history) {
        history.messages.slice().reverse().forEach(function (m) {
          var part = m.components && m.components[0];
          var text = part && part.data ? part.data.text : '';
          var template = m.type === 'incoming' ? null : storedTemplate(text);
          if (template) showTemplate(template, false);
          else show(m.type === 'incoming' ? 'user' : 'bot', text);
        });
        return api('POST', '/api/1.1/rtm/start', { botInfo: botInfo }, token);
      })
      .then(function (start) {
        socket = new WebSocket(start.url);
        socket.onopen = function () {
          setStatus('connected as ' + userId);
          input.disabled = false;
          button.disabled = false;
          input.focus();
        };
        socket.onmessage = onFrame;
        socket.onclose = function () {
          setStatus('disconnected; reload to reconnect');
          input.disabled = true;
          button.disabled = true;
        };
      })
      .catch(function (error) { setStatus('could not connect: ' + error.message); });
  }

  connect();
})();
`;
