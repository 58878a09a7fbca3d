import { createHash } from 'node:crypto';
import type { HistoryLine } from './history-lines';
import { parseKoreTemplate, type KoreTemplate, type TemplateChoice } from './kore-template';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Shows each <time> in the reader's own zone and language; without scripts the UTC time stays. */
const LOCAL_TIME_SCRIPT =
  "for(const t of document.querySelectorAll('time[datetime]')){const d=new Date(t.dateTime);" +
  "if(!isNaN(d)){t.title=t.dateTime;t.textContent=d.toLocaleString(undefined,{year:'numeric',month:'short',day:'numeric',hour:'2-digit',minute:'2-digit',hourCycle:'h23'})}}";

/** The page's one script is allowed by its hash: no 'unsafe-inline' for scripts. */
export const HISTORY_PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(LOCAL_TIME_SCRIPT).digest('base64')}'`;

const LABELS = { user: 'User', bot: 'Bot', system: 'System' } as const;

export function renderNoticePage(text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>History with the bot</title></head>` +
    `<body style="font:15px system-ui,sans-serif;margin:2rem"><p>${escapeHtml(text)}</p></body></html>`;
}

function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function choiceHtml(c: TemplateChoice): string {
  return c.url
    ? `<li><a href="${escapeHtml(c.url)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(c.title)}</a></li>`
    : `<li>${escapeHtml(c.title)}</li>`;
}

/** Images are links: the page loads nothing from elsewhere (its CSP would refuse it anyway). */
function templateHtml(t: KoreTemplate): string {
  const parts: string[] = [];
  if (t.text) parts.push(`<p>${escapeHtml(t.text)}</p>`);
  if (t.media) parts.push(`<p><a href="${escapeHtml(t.media.url)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(t.media.type === 'image' ? 'Image' : t.media.type)}: ${escapeHtml(t.media.url)}</a></p>`);
  if (t.cards.length) {
    const cards = t.cards.map((c) => {
      const bits = [`<strong>${escapeHtml(c.title)}</strong>`];
      if (c.subtitle) bits.push(`<span class="sub">${escapeHtml(c.subtitle)}</span>`);
      if (c.image) bits.push(`<a href="${escapeHtml(c.image)}" rel="noopener noreferrer nofollow" target="_blank">Image</a>`);
      if (c.choices.length) bits.push(`<ul class="choices">${c.choices.map(choiceHtml).join('')}</ul>`);
      return `<li>${bits.join(' ')}</li>`;
    });
    parts.push(`<ol class="cards">${cards.join('')}</ol>`);
  }
  if (t.choices.length) parts.push(`<ul class="choices" aria-label="Choices offered">${t.choices.map(choiceHtml).join('')}</ul>`);
  return `<div class="template" data-template="${escapeHtml(t.kind)}">${parts.join('') || '<p>(an empty template)</p>'}</div>`;
}

function contentHtml(content: unknown): string {
  const template = parseKoreTemplate(content);
  if (template) return templateHtml(template);
  const text = typeof content === 'string' ? content : content === undefined ? '' : JSON.stringify(content);
  return `<p>${escapeHtml(text)}</p>`;
}

function lineHtml(line: HistoryLine): string {
  const who = line.speaker === 'agent' ? (line.name ? line.name : 'Agent') : LABELS[line.speaker];
  const when = line.at ? `<time datetime="${escapeHtml(line.at)}">${escapeHtml(utc(line.at))}</time>` : '';
  return `<li class="${line.speaker}" data-speaker="${line.speaker}"><span class="who">${escapeHtml(who)}</span>${when}${contentHtml(line.content)}</li>`;
}

/** Oldest first. */
export function renderHistoryPage(input: { userName: string; lines: HistoryLine[] }): string {
  const items = input.lines.map(lineHtml).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>History with the bot: ${escapeHtml(input.userName)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:1rem;color:#1d2330}
h1{font-size:1.1rem}ol{list-style:none;padding:0}li{margin:.5rem 0;padding:.5rem .75rem;border-radius:.5rem;background:#eef1f6}
li.user{background:#dcebff;margin-left:3rem}li.bot,li.agent{margin-right:3rem}li.agent{background:#e3f5e6}
li.system{background:none;color:#4b5563;text-align:center;font-size:.9rem}.who{font-weight:600;margin-right:.5rem}
time{color:#5b6475;font-size:.8rem}p{margin:.25rem 0 0;white-space:pre-wrap;word-wrap:break-word}
.template ul,.template ol{list-style:none;padding:0;margin:.35rem 0 0}.template li{display:inline-block;margin:.15rem .3rem .15rem 0;padding:.15rem .6rem;border:1px solid #8b93a0;border-radius:1rem;background:#fff}
.template ol.cards>li{display:block;border-radius:.4rem}.sub{color:#4b5563}
</style></head><body>
<h1>History with the bot: ${escapeHtml(input.userName)}</h1>
${items ? `<ol>\n${items}\n</ol>` : '<p>No messages yet.</p>'}
<script>${LOCAL_TIME_SCRIPT}</script>
</body></html>`;
}
