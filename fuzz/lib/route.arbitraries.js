'use strict';
// One fast-check arbitrary per inbound route. Each produces a plain description of a request; the
// runner fills in what depends on the run (secrets, fresh JWTs, the platform stand-in's URL).
const fc = require('fast-check');
const { text, json, id, segment, encodeSegment, oddBody } = require('./text.arbitraries');

const EVENTS = ['on_user_message', 'on_bot_message', 'on_webhook', 'on_agent_transfer', 'on_event', 'on_alert', 'on_variable_update', 'on_client_event'];
const opt = (arb) => fc.option(arb, { nil: undefined });
const users = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 25 }).map((n) => `u-fuzz-${n}`) }, id);
const tone = fc.array(fc.record({ tone_name: fc.oneof(fc.constantFrom('angry', 'joy'), text), level: fc.oneof(fc.integer({ min: -3, max: 3 }), json), count: opt(fc.nat()) }), { maxLength: 2 });

/** A platform-shaped body with every field open to odd values; `urls` marks where the runner puts callback URLs. */
const sdkBody = fc.record(
  {
    requestId: fc.oneof({ weight: 6, arbitrary: fc.uuid() }, id),
    message: fc.oneof({ weight: 4, arbitrary: text }, json),
    channel: fc.oneof({ weight: 4, arbitrary: fc.record({ type: opt(text), from: opt(users), botLanguage: opt(text), channelInfos: opt(fc.record({ from: users })) }) }, json),
    context: fc.oneof(
      { weight: 4, arbitrary: fc.record({ session: opt(fc.record({ UserContext: fc.record({ _id: users, firstName: opt(text), lastName: opt(text) }) })), message_tone: opt(tone), dialog_tone: opt(tone), extra: opt(json) }) },
      json,
    ),
    agent_transfer: fc.oneof(fc.boolean(), json),
    data: opt(fc.oneof(fc.record({ eventType: opt(text), variable: opt(json), language: opt(text) }), json)),
    preDefinedEvent: opt(fc.oneof(fc.record({ type: fc.constantFrom('TYPING_STARTED', 'TYPING_STOPPED', 'MESSAGE_READ'), id: opt(id) }), json)),
    dialogComponentName: opt(text),
    urls: fc.constantFrom('echo', 'echo', 'echo', 'none', 'odd'),
  },
  { requiredKeys: ['requestId', 'urls'] },
);

const sdk = fc.record({
  route: fc.constant('sdk'),
  auth: fc.oneof({ weight: 6, arbitrary: fc.constant('valid') }, fc.constantFrom('expired', 'wrong-secret', 'wrong-app', 'hs512', 'garbage', 'none', 'apikey')),
  botId: fc.oneof({ weight: 8, arbitrary: fc.constant('$bot') }, segment),
  component: opt(segment),
  event: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...EVENTS) }, segment),
  body: fc.oneof({ weight: 5, arbitrary: sdkBody }, oddBody),
  contentType: fc.oneof({ weight: 9, arbitrary: fc.constant('application/json') }, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '')),
});

const livechat = fc.record({
  route: fc.constant('livechat-webhook'),
  withSecret: fc.boolean(),
  body: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        webhook_id: opt(text),
        action: fc.oneof(fc.constantFrom('incoming_event', 'chat_deactivated', 'user_added_to_chat', 'user_removed_from_chat'), text),
        organization_id: opt(text),
        payload: fc.oneof(fc.record({ chat_id: id, thread_id: opt(id), user_id: opt(id), event: opt(fc.record({ id: opt(id), type: opt(text), text: opt(text), author_id: opt(id) })), user: opt(fc.record({ id: opt(id), type: opt(text) })) }), json),
      }),
    },
    oddBody,
  ),
});

const loopback = fc.record({
  route: fc.constant('loopback'),
  withSecret: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
  op: fc.constantFrom('chats', 'chat', 'join', 'messages', 'close', 'faults'),
  ref: segment,
  body: fc.oneof({ weight: 3, arbitrary: fc.record({ agentId: opt(id), agentName: opt(id), id: opt(id), text: opt(fc.oneof(text, json)), by: opt(id), failMessages: opt(fc.oneof(fc.nat({ max: 3 }), json)), noAgents: opt(json) }) }, oddBody),
});

const signIn = fc.record({
  route: fc.constant('console-sign-in'),
  email: fc.oneof(fc.constant('$admin'), fc.constant('$admin-nul'), text, json),
  password: fc.oneof(fc.constant('$password'), text, json),
  raw: opt(oddBody),
});

const consoleStatic = fc.record({ route: fc.constant('console-static'), file: opt(fc.oneof(fc.constantFrom('index.html', 'app.js', 'style.css'), segment)) });

const history = fc.record({
  route: fc.constant('history'),
  token: fc.oneof(
    segment.map((t) => ({ raw: t })),
    fc.record({ c: fc.oneof(fc.uuid(), text, json), e: fc.oneof(fc.constant('future'), fc.constant('past'), json), tamper: fc.boolean() }),
  ),
});

const ops = fc.record({
  route: fc.constant('ops'),
  auth: fc.constantFrom('ops', 'admin', 'none', 'garbage', 'wrong'),
  method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'),
  path: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('/ops', '/ops/api/summary', '/ops/queues', '/ops/queues/api/queues', '/ops/queues/api/redis/stats') },
    segment.map((s) => `/ops/queues/api/queues/${encodeSegment(s)}/clean/failed`),
    segment.map((s) => `/ops/${encodeSegment(s)}`),
  ),
  body: opt(oddBody),
});

const health = fc.record({ route: fc.constant('health'), path: fc.constantFrom('/health/live', '/health/ready', '/health', '/health/%00') });
const metrics = fc.record({ route: fc.constant('metrics'), auth: fc.constantFrom('bearer', 'bearer-wrong', 'ops', 'none') });
const other = fc.record({ route: fc.constant('other'), method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), path: segment.map((s) => `/${encodeSegment(s)}`), body: opt(oddBody) });

// The console's REST API, each route with the least role its guard lets in. Ids are generated: a
// uuid that names nothing, or any segment (which must not reach the database as a malformed uuid).
const CONSOLE_ROUTES = [
  ['admin', 'GET', '/console/api/admin/agents'], ['admin', 'POST', '/console/api/admin/agents'], ['admin', 'PATCH', '/console/api/admin/agents/:id'],
  ['admin', 'POST', '/console/api/admin/agents/:id/deactivate'], ['admin', 'POST', '/console/api/admin/agents/:id/reactivate'], ['admin', 'POST', '/console/api/admin/agents/:id/reset-password'],
  ['admin', 'GET', '/console/api/admin/bots'], ['admin', 'GET', '/console/api/admin/bots/:bot'], ['admin', 'PUT', '/console/api/admin/bots/:bot'],
  ['admin', 'GET', '/console/api/admin/canned-responses'], ['admin', 'POST', '/console/api/admin/canned-responses'], ['admin', 'PATCH', '/console/api/admin/canned-responses/:id'], ['admin', 'DELETE', '/console/api/admin/canned-responses/:id'],
  ['admin', 'GET', '/console/api/admin/dispositions'], ['admin', 'POST', '/console/api/admin/dispositions'], ['admin', 'PATCH', '/console/api/admin/dispositions/:id'], ['admin', 'PUT', '/console/api/admin/dispositions/order'],
  ['admin', 'GET', '/console/api/admin/hours'], ['admin', 'GET', '/console/api/admin/teams/:id/hours'], ['admin', 'PUT', '/console/api/admin/teams/:id/hours'],
  ['admin', 'GET', '/console/api/admin/routing-rules'], ['admin', 'PUT', '/console/api/admin/routing-rules'],
  ['admin', 'GET', '/console/api/admin/teams'], ['admin', 'POST', '/console/api/admin/teams'], ['admin', 'PATCH', '/console/api/admin/teams/:id'], ['admin', 'PUT', '/console/api/admin/teams/:id/members'],
  ['supervisor', 'GET', '/console/api/supervisor/board'], ['supervisor', 'POST', '/console/api/supervisor/conversations/:id/whisper'],
  ['supervisor', 'POST', '/console/api/supervisor/conversations/:id/take-over'], ['supervisor', 'POST', '/console/api/supervisor/conversations/:id/reassign'],
  ['supervisor', 'GET', '/console/api/reports?:query'], ['supervisor', 'GET', '/console/api/reports/options'], ['supervisor', 'GET', '/console/api/reports/csv?:query'],
  ['agent', 'GET', '/console/api/offline?:query'], ['agent', 'POST', '/console/api/offline/:id/handled'],
];
const day = fc.oneof({ weight: 3, arbitrary: fc.date({ min: new Date('2019-01-01'), max: new Date('2031-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) }, text);
const reportQuery = fc.record({ from: opt(day), to: opt(day), tz: opt(fc.oneof(fc.constantFrom('UTC', 'Europe/Paris', 'Mars/Olympus'), text)), team: opt(fc.oneof(fc.uuid(), text)), agent: opt(fc.oneof(fc.uuid(), text)), status: opt(text) });
const consoleBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        name: fc.oneof(text, json), email: fc.oneof(fc.constant('new-agent@example.com'), text, json), role: fc.oneof(fc.constantFrom('agent', 'supervisor', 'admin'), text, json),
        maxChats: fc.oneof(fc.integer({ min: -2, max: 60 }), json), title: fc.oneof(text, json), text: fc.oneof(text, json), label: fc.oneof(text, json), active: fc.oneof(fc.boolean(), json),
        teamIds: fc.oneof(fc.array(fc.oneof(fc.uuid(), text), { maxLength: 3 }), json), agentIds: fc.oneof(fc.array(fc.oneof(fc.uuid(), text), { maxLength: 3 }), json), ids: fc.oneof(fc.array(fc.uuid(), { maxLength: 3 }), json),
        timeZone: fc.oneof(fc.constantFrom('Europe/Paris', 'America/New_York', 'Mars/Olympus', ''), text), hours: json, holidays: json, closedAction: fc.oneof(fc.constantFrom('bot', 'message'), text),
        overflowAfterSeconds: fc.oneof(fc.integer({ min: -5, max: 100000 }), json), fallbackTeamId: fc.oneof(fc.uuid(), json), deskGroups: json,
        rules: fc.oneof(fc.array(fc.record({ teamId: fc.oneof(fc.uuid(), json), botId: opt(fc.oneof(text, json)), trigger: opt(fc.oneof(fc.constantFrom('agent_transfer', 'tone', 'keyword'), text)), path: opt(text), equals: opt(json) }), { maxLength: 3 }), json),
        csat: json, texts: json, agentId: fc.oneof(fc.uuid(), json), toAgentId: fc.oneof(fc.uuid(), json),
      },
      { requiredKeys: [] },
    ),
  },
  oddBody,
);
const consoleApi = fc.record({
  route: fc.constant('console-api'),
  auth: fc.oneof({ weight: 2, arbitrary: fc.constant('admin') }, { weight: 2, arbitrary: fc.constant('agent') }, fc.constant('none'), fc.constant('garbage'), fc.constant('expired')),
  // Each role's routes as often as the others': the agent's two are as much a target as the admin's many.
  which: fc.oneof(...['admin', 'supervisor', 'agent'].map((group) => fc.constantFrom(...CONSOLE_ROUTES.flatMap(([g], i) => (g === group ? [i] : []))))),
  id: fc.oneof({ weight: 2, arbitrary: fc.uuid() }, segment),
  query: reportQuery,
  body: consoleBody,
});

const SOCKET_EVENTS = ['presence:set', 'queue:accept', 'conversation:sync', 'message:send', 'note:add', 'typing', 'message:read', 'canned:list', 'agents:list', 'conversation:transfer', 'conversation:close', 'conversation:context', 'conversation:past'];
const socket = fc.record({
  route: fc.constant('console-socket'),
  event: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...SOCKET_EVENTS) }, text),
  payload: fc.oneof(
    { weight: 4, arbitrary: fc.record({ conversationId: fc.oneof(fc.constant('$known'), fc.uuid(), id), text: opt(fc.oneof(text, json)), clientId: opt(id), after: opt(id), toAgentId: opt(fc.oneof(fc.constant('$admin'), fc.uuid(), id)), note: opt(text), disposition: opt(text), status: opt(fc.oneof(fc.constantFrom('available', 'away'), text)) }) },
    json,
  ),
  knownIndex: fc.nat(),
});
const socketConnect = fc.record({ route: fc.constant('console-socket-auth'), token: fc.oneof(text, fc.constant('$expired'), fc.constant(undefined)) });

/** Every route, weighted towards the platform's and the desks' routes, where the traffic is. */
const anyRequest = fc.oneof(
  { weight: 30, arbitrary: sdk },
  { weight: 8, arbitrary: livechat },
  { weight: 8, arbitrary: loopback },
  { weight: 6, arbitrary: signIn },
  { weight: 16, arbitrary: consoleApi },
  { weight: 3, arbitrary: consoleStatic },
  { weight: 12, arbitrary: socket },
  { weight: 2, arbitrary: socketConnect },
  { weight: 5, arbitrary: history },
  { weight: 6, arbitrary: ops },
  { weight: 3, arbitrary: health },
  { weight: 3, arbitrary: metrics },
  { weight: 4, arbitrary: other },
);

module.exports = { anyRequest, CONSOLE_ROUTES };
