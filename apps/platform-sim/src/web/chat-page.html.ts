/**
 * The sandbox chat page. Static markup only: every message is added by chat-page.script.ts with
 * textContent, and the CSP below forbids inline script, so message text can never run as code.
 */
export const CHAT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agent-bridge sandbox chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; display: flex; flex-direction: column; height: 100vh; background: #f4f5f7; }
  header { padding: 10px 16px; background: #243b53; color: #fff; display: flex; justify-content: space-between; gap: 12px; }
  #status { opacity: 0.8; font-size: 13px; }
  #log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 8px; }
  .msg { max-width: 70%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .user { align-self: flex-end; background: #2f80ed; color: #fff; }
  .bot { align-self: flex-start; background: #fff; border: 1px solid #d9dde3; }
  .note { align-self: center; color: #667; font-size: 13px; }
  .choices { align-self: flex-start; display: flex; flex-wrap: wrap; gap: 6px; max-width: 70%; }
  .choices button { font: inherit; padding: 4px 12px; border-radius: 14px; border: 1px solid #2f80ed; background: #fff; color: #1d5fbf; cursor: pointer; }
  .choices button:disabled { opacity: 0.5; cursor: default; }
  form { display: flex; gap: 8px; padding: 12px 16px; background: #fff; border-top: 1px solid #d9dde3; }
  #text { flex: 1; padding: 8px; font: inherit; }
</style>
</head>
<body>
<header><strong>agent-bridge sandbox</strong><span id="status">connecting…</span></header>
<main id="log" aria-live="polite"></main>
<form id="composer" autocomplete="off">
  <input id="text" placeholder="Type a message (try: hello, book a cab, agent)" maxlength="3000" disabled>
  <button id="send" type="submit" disabled>Send</button>
</form>
<script src="/chat.js"></script>
</body>
</html>
`;

export const CHAT_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
