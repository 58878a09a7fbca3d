import { createHash } from 'node:crypto';
import type { AppConfig } from '@agent-bridge/config';
import { historyLines } from './history-lines';
import { escapeHtml, HISTORY_PAGE_CSP, renderHistoryPage } from './history-page';
import { HistoryLinkService } from './history-link.service';

const config = { publicUrl: 'https://bridge.example.com', handoff: { historyLinkSecret: 'k1', historyLinkTtlSeconds: 60 } } as AppConfig;

describe('HistoryLinkService', () => {
  const links = new HistoryLinkService(config);
  const now = 1_800_000_000_000;

  it('issues a link that verifies until it expires', () => {
    const url = links.url('conv-1', now);
    expect(url.startsWith('https://bridge.example.com/history/')).toBe(true);
    const token = url.split('/').pop()!;
    expect(links.verify(token, now + 59_000)).toEqual({ conversationId: 'conv-1', expiresAt: now + 60_000 });
    expect(links.verify(token, now + 61_000)).toBeNull();
  });

  it('refuses a tampered, truncated or foreign token', () => {
    const token = links.url('conv-1', now).split('/').pop()!;
    const [body, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'conv-2', e: now / 1000 + 60 })).toString('base64url');
    expect(links.verify(`${forged}.${signature}`, now)).toBeNull();
    expect(links.verify(`${body}.`, now)).toBeNull();
    expect(links.verify(body!, now)).toBeNull();
    expect(links.verify(`${token}.extra`, now)).toBeNull();
    const other = new HistoryLinkService({ ...config, handoff: { ...config.handoff, historyLinkSecret: 'k2' } } as AppConfig);
    expect(other.verify(token, now)).toBeNull();
  });
});

describe('history page', () => {
  it('escapes every message and name, oldest first', () => {
    const html = renderHistoryPage({
      userName: '<b>Eve</b>',
      lines: historyLines([
        { type: 'outgoing', createdOn: '2026-01-01T00:00:02Z', components: [{ data: { text: 'second & last' } }] },
        { type: 'incoming', createdOn: '2026-01-01T00:00:01Z', components: [{ data: { text: '<script>alert(1)</script>' } }] },
      ], []),
    });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(html.indexOf('alert(1)')).toBeLessThan(html.indexOf('second &amp; last'));
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
  });

  it('allows its one script by hash and shows UTC times until it runs', () => {
    const html = renderHistoryPage({ userName: 'Eve', lines: [{ speaker: 'user', name: null, at: '2026-01-01T09:05:00.000Z', content: 'hi' }] });
    expect(html).toContain('<time datetime="2026-01-01T09:05:00.000Z">2026-01-01 09:05 UTC</time>');
    const script = /<script>([^<]*)<\/script>/.exec(html)![1]!;
    expect(HISTORY_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(HISTORY_PAGE_CSP).toMatch(/script-src 'sha256-[^']+'$/);
  });
});
