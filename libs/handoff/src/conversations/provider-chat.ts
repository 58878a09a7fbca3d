export { providerChatOf } from '../desk-port/desk-session';

/** Fills `{agent}` and `{minutes}` in a configured text. */
export function fillTemplate(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** "15 minutes", "1 minute", "45 seconds": how a timeout reads in a notice. */
export function humanDuration(seconds: number): string {
  const [value, unit] = seconds >= 120 || seconds % 60 === 0 ? [Math.round(seconds / 60), 'minute'] : [seconds, 'second'];
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}
