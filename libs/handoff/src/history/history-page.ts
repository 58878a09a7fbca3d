import type { PlatformHistoryMessage } from '@agent-bridge/botkit';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function textOf(message: PlatformHistoryMessage): string {
  const text = message.components?.[0]?.data?.text;
  if (typeof text === 'string') return text;
  return text === undefined ? '' : JSON.stringify(text);
}

export function renderNoticePage(text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>History with the bot</title></head>` +
    `<body style="font:15px system-ui,sans-serif;margin:2rem"><p>${escapeHtml(text)}</p></body></html>`;
}

/** The platform answers newest first; the page reads oldest first. */
export function renderHistoryPage(input: { userName: string; messages: PlatformHistoryMessage[] }): string {
  const items = [...input.messages]
    .reverse()
    .map((m) => {
      const who = m.type === 'incoming' ? 'user' : 'bot';
      const when = typeof m.createdOn === 'string' ? escapeHtml(m.createdOn) : '';
      return `<li class="${who}"><span class="who">${who === 'user' ? 'User' : 'Bot'}</span><time>${when}</time><p>${escapeHtml(textOf(m))}</p></li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>History with the bot: ${escapeHtml(input.userName)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:1rem;color:#1d2330}
h1{font-size:1.1rem}ol{list-style:none;padding:0}li{margin:.5rem 0;padding:.5rem .75rem;border-radius:.5rem;background:#eef1f6}
li.user{background:#dcebff;margin-left:3rem}li.bot{margin-right:3rem}.who{font-weight:600;margin-right:.5rem}
time{color:#5b6475;font-size:.8rem}p{margin:.25rem 0 0;white-space:pre-wrap;word-wrap:break-word}
</style></head><body>
<h1>History with the bot: ${escapeHtml(input.userName)}</h1>
${items ? `<ol>\n${items}\n</ol>` : '<p>No messages yet.</p>'}
</body></html>`;
}
