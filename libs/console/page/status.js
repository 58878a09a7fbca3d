// The one non-blocking status line at the bottom of the page (role=status, polite).
let timer = 0;

export function status(text, isError = false) {
  const line = document.getElementById('status-line');
  if (!line) return;
  clearTimeout(timer);
  line.textContent = text;
  line.classList.toggle('error', isError);
  timer = setTimeout(() => {
    line.textContent = '';
    line.classList.remove('error');
  }, isError ? 10000 : 6000);
}
