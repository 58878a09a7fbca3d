import type { Tone } from '../sim.types';

const ANGRY = /\b(angry|furious|terrible|worst|hate|awful|useless|ridiculous|unacceptable)\b/i;
const JOY = /\b(thanks|thank you|great|awesome|love|wonderful)\b/i;

/** Just rich enough to drive the LiveChat sample's rule (transfer when angry >= 2). */
export function analyzeTone(text: string): Tone | undefined {
  if (ANGRY.test(text)) return { name: 'angry', level: isShouting(text) ? 3 : 2 };
  if (JOY.test(text)) return { name: 'joy', level: 1 };
  return undefined;
}

function isShouting(text: string): boolean {
  if (text.includes('!!!')) return true;
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.length >= 4 && letters === letters.toUpperCase();
}

export function toneEntry(tone: Tone, count = 1): { tone_name: string; level: number; count: number } {
  return { tone_name: tone.name, level: tone.level, count };
}
