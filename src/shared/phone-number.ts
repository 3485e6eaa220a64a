/**
 * Turning what a page shows into what gets dialled. The foundation keeps one
 * simple rule (issue 3 brings full detection and per-provider normalization):
 * take the first run of digits with common separators, drop separators, drop a
 * leading +86 / 0086 country prefix, and accept 3 to 20 digits.
 */
const CANDIDATE = /(?:\+|00)?\d[\d\s\-().]{1,}\d/;

export function extractNumber(text: string): string | null {
  const match = CANDIDATE.exec(text);
  if (!match) return null;
  return normalizeNumber(match[0]);
}

export function normalizeNumber(raw: string): string | null {
  let n = raw.replace(/[\s\-().]/g, '');
  if (n.startsWith('+86')) n = n.slice(3);
  else if (n.startsWith('0086')) n = n.slice(4);
  if (!/^\+?\d{3,20}$/.test(n)) return null;
  return n;
}
