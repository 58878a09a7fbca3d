import vm from 'node:vm';
import { startHarness, WEB_CLIENT, BOT, type Harness } from '../testing/sim-harness.fixture';
import { CHAT_PAGE_SCRIPT } from './chat-page.script';

/** A few DOM nodes, enough to run the page script; markup assignments are recorded, never parsed. */
class FakeElement {
  children: FakeElement[] = [];
  className = '';
  value = '';
  disabled = false;
  scrollTop = 0;
  scrollHeight = 0;
  text = '';
  markupWrites: string[] = [];
  listeners: Record<string, (event: any) => void> = {};
  set textContent(value: string) {
    this.text = value;
  }
  get textContent(): string {
    return this.text;
  }
  set innerHTML(value: string) {
    this.markupWrites.push(value);
  }
  insertAdjacentHTML(_where: string, value: string): void {
    this.markupWrites.push(value);
  }
  appendChild(child: FakeElement): void {
    this.children.push(child);
  }
  addEventListener(type: string, listener: (event: any) => void): void {
    this.listeners[type] = listener;
  }
  focus(): void {}
}

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket;
  readyState = 1;
  sent: any[] = [];
  onopen?: () => void;
  onmessage?: (event: { data: string }) => void;
  onclose?: () => void;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
}

const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

describe('PlatformSim chat page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('serves the page with a CSP that forbids inline script, and the script separately', async () => {
    const page = await fetchText(`${h.sim.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.body).toContain('<script src="/chat.js"></script>');
    expect(page.body.match(/<script[^>]*>[^<]+<\/script>/g)).toBeNull();

    const script = await fetchText(`${h.sim.url}/chat.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.body).toBe(CHAT_PAGE_SCRIPT);
    expect(script.body).toContain('textContent');
    expect(script.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('demo-token mints an assertion that jwtgrant accepts', async () => {
    const demo: any = await (await fetch(`${h.sim.url}/sim/demo-token?userId=u-page`)).json();
    expect(demo.botInfo).toEqual({ chatBot: BOT.botName, taskBotId: BOT.botId });
    const grant = await fetch(`${h.sim.url}/api/1.1/oAuth/token/jwtgrant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assertion: demo.assertion, botInfo: demo.botInfo }),
    });
    expect(grant.status).toBe(200);
    expect(((await grant.json()) as any).userInfo.userId).toBe('u-page');
    expect(JSON.parse(Buffer.from(demo.assertion.split('.')[1], 'base64url').toString()).iss).toBe(WEB_CLIENT.clientId);
  });

  it('renders hostile history and bot text as text, and reports typing and reads', async () => {
    const page = runPage();
    await page.settled();
    const socket = FakeSocket.last;
    expect(socket.url).toBe('ws://sim.test/rtm/bot?key=k');
    socket.onopen!();
    socket.onmessage!({
      data: JSON.stringify({ type: 'bot_response', messageId: 'ms-9', message: [{ type: 'text', cInfo: { body: HOSTILE } }] }),
    });
    expect(page.log.children.map((c) => [c.className, c.textContent])).toEqual([
      ['msg user', HOSTILE],
      ['msg bot', HOSTILE],
    ]);
    expect([page.log, ...page.log.children].flatMap((c) => c.markupWrites)).toEqual([]);

    page.input.listeners.keydown!({ key: 'h' });
    page.input.listeners.keydown!({ key: 'i' });
    const events = socket.sent.map((f) => f.preDefinedEvent);
    expect(events).toEqual([{ type: 'MESSAGE_READ', id: 'ms-9' }, { type: 'TYPING_STARTED' }]);

    page.input.value = 'hi there';
    page.form.listeners.submit!({ preventDefault() {} });
    expect(socket.sent.slice(2)).toEqual([
      expect.objectContaining({ resourceid: '/bot.clientEvent', preDefinedEvent: { type: 'TYPING_STOPPED' } }),
      expect.objectContaining({ resourceid: '/bot.message', message: { body: 'hi there', attachments: [] } }),
    ]);
  });
});

async function fetchText(url: string): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Runs the page script against fake DOM, fetch and WebSocket, answering its API calls. */
function runPage() {
  const elements: Record<string, FakeElement> = {};
  for (const id of ['log', 'composer', 'text', 'send', 'status']) elements[id] = new FakeElement();
  const responses: Record<string, unknown> = {
    '/sim/demo-token': { assertion: 'a', botInfo: { chatBot: 'B', taskBotId: 'st-b' } },
    '/api/1.1/oAuth/token/jwtgrant': { authorization: { accessToken: 't' } },
    '/api/botmessages/rtm': { messages: [{ type: 'incoming', components: [{ cT: 'text', data: { text: HOSTILE } }] }] },
    '/api/1.1/rtm/start': { ok: true, url: 'ws://sim.test/rtm/bot?key=k' },
  };
  let pending = 0;
  const fakeFetch = (url: string) => {
    pending++;
    const body = responses[url.split('?')[0]!];
    return Promise.resolve({ ok: body !== undefined, status: body ? 200 : 404, json: async () => body }).finally(() => pending--);
  };
  const context = vm.createContext({
    document: {
      getElementById: (id: string) => elements[id],
      createElement: () => new FakeElement(),
      visibilityState: 'visible',
    },
    location: { search: '?userId=u-page' },
    URLSearchParams,
    fetch: fakeFetch,
    WebSocket: FakeSocket,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    Date,
    JSON,
    Math,
    String,
    Error,
    Promise,
  });
  vm.runInContext(CHAT_PAGE_SCRIPT, context);
  return {
    log: elements.log!,
    input: elements.text!,
    form: elements.composer!,
    async settled() {
      for (let i = 0; i < 50 && (pending > 0 || !FakeSocket.last); i++) await new Promise((r) => setImmediate(r));
    },
  };
}
