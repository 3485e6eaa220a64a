/**
 * Phone-number detection for Chinese CRM text.
 *
 * This runs in the content script over whole pages, so it is built for speed and safety:
 * no dependencies (libphonenumber's metadata alone is 83-157 KB), one left-to-right pass, every
 * pattern compiled once as a sticky regex and tried only at characters that can start a
 * number (never inside a digit run or word). Every quantifier is bounded and digit groups are
 * split by a required non-digit, so a match attempt costs a bounded number of steps whatever
 * the input: no catastrophic backtracking. Positions that do not become a result allocate
 * nothing (sticky `test()`, char-code checks); strings are built only for accepted matches.
 *
 * The rules (formats, boundary rule, negative classes, masks) are documented with examples in
 * docs/dialing.md; the comments here say why each piece exists.
 */

export type PhoneKind = 'mobile' | 'landline' | 'tollfree' | 'service' | 'international';

export interface PhoneMatch {
  /** Offsets of the number (and its extension, if any) in the input. */
  start: number;
  end: number;
  /** The text as written. */
  raw: string;
  kind: PhoneKind;
  /**
   * Digits as dialled inside mainland China: mobile '13800138000'; landline with area code
   * '01062345678', '075586001234'; 400/800 '4008001234'; service '95588'; international in
   * E.164 '+85221234567'. Masked numbers keep the visible digits with '*' for hidden ones.
   */
  number: string;
  /** From 转808 / 转 808 / ext 808 / ext.808 / x808 / #808 / 分机808 (and -808 after a landline). */
  extension?: string;
  /** 138****8000, 138xxxx8000, 138 **** 8000, 010-****5678. */
  masked: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pattern parts (regex source). Each complete pattern below is a concatenation of these.
// ---------------------------------------------------------------------------------------------

const D = '[0-9]';
/** Characters CRMs use to hide digits: 138****8000, 138xxxx8000, 138＊＊＊＊8000, 138××××8000. */
const MASK_SET = '*＊xX×';
/** One digit, or one hidden digit. */
const DM = `[0-9${MASK_SET}]`;
/** One separator between digit groups: space, no-break space, ideographic space, ASCII,
 *  Unicode and full-width hyphens/dashes. Exactly one: "138  0013" is not grouping. */
const SEP = '(?:[ \\u00a0\\u3000\\-\\u2010-\\u2015\\uff0d]|[ \\u00a0][\\-\\u2010-\\u2015\\uff0d][ \\u00a0])';
/** Dots group numbers too (138.0013.8000, 0755.8600.1234), but only in the full grouping of
 *  each kind: a dot is also what IPs, versions, dates and amounts are written with. */
const DOT_SEP = '\\.';
/** International numbers are also written with dots: +1.415.555.2671. */
const INTL_SEP = '[ \\u00a0\\-.\\u2010-\\u2015]';
const OPEN = '[(（]';
const CLOSE = '[)）]';
/**
 * Characters that may never touch a number on either side (the core of the boundary rule):
 * digits (a longer run), ASCII letters (SKU-…-A, ab138…, hex ids), '_' (identifiers) and mask
 * characters (a partially hidden longer run). Enforced by END on the right and by the scanner
 * (isGlue) on the left.
 */
const END = `(?![0-9A-Za-z_${MASK_SET}])`;

/** +86, 0086, (+86), （+86）, (0086), (86). A bare "86" is accepted before mobiles only. */
const CN_PREFIX_STRICT = `(?:\\+86|0086|${OPEN}(?:\\+|00)?86${CLOSE})`;
const CN_PREFIX = `(?:${CN_PREFIX_STRICT}|86)`;

/** Mobile: 1[3-9] + 9 digits, as 11 plain, 3-4-4, 3-8 or 4-3-4. The first 3 digits are always
 *  visible, the rest may be masked. */
const MOBILE_BODY =
  `1[3-9]${D}(?:${DM}{8}|${SEP}${DM}{4}${SEP}${DM}{4}|${SEP}${DM}{8}|${DM}${SEP}${DM}{3}${SEP}${DM}{4}|${DOT_SEP}${DM}{4}${DOT_SEP}${DM}{4})`;
const MOBILE = `(?:${CN_PREFIX}(?:${SEP}|${DOT_SEP})?)?${MOBILE_BODY}`;

/** Area code without the trunk 0: 10, 2x, or three digits starting 3-9 (755, 571, 311 …).
 *  Prefix-free, so "0755…" can only split as 0 + 755. */
const AREA_NATIONAL = `(?:10|2${D}|[3-9]${D}{2})`;
const AREA = `0${AREA_NATIONAL}`;
/** Subscriber: 7-8 digits, plain, 4-4, 3-4 or 4-3. Subscriber numbers never start with 0 or 1, and
 *  a glued run ("01062345678") must follow that rule. Once the area code is set off by a
 *  separator or parentheses the writing itself says "area code + number", so a leading 1 is
 *  tolerated there: 010-12345678, (0755)1234567 (demo and placeholder data agents do dial). */
const SUBSCRIBER_BODY = `(?:${DM}{6,7}|${DM}{3}${SEP}${DM}{3,4}|${DM}{2}${SEP}${DM}{4})`;
const SUBSCRIBER = `[2-9${MASK_SET}]${SUBSCRIBER_BODY}`;
const SUBSCRIBER_SET_OFF = `[1-9${MASK_SET}]${SUBSCRIBER_BODY}`;
const AFTER_AREA = `(?:${SEP}${SUBSCRIBER_SET_OFF}|${SUBSCRIBER})`;
/** 010-62345678, 010 6234 5678, 01062345678, (0755)1234567, （0755）12345678. */
const LANDLINE = `(?:${AREA}(?:${AFTER_AREA}|${DOT_SEP}[1-9](?:${D}{6,7}|${D}{3}${DOT_SEP}${D}{4}))|${OPEN}${AREA}${CLOSE}${SEP}?${SUBSCRIBER_SET_OFF})`;
/** +86 10 6234 5678, +86-755-86001234, +86 (0)755 8600 1234, 0086 21 5050 1234. */
const LANDLINE_CN =
  `${CN_PREFIX_STRICT}${SEP}?(?:\\(0\\))?` +
  `(?:0?${AREA_NATIONAL}${AFTER_AREA}|${OPEN}0?${AREA_NATIONAL}${CLOSE}${SEP}?${SUBSCRIBER_SET_OFF})`;

/** 400/800: 10 digits as plain, 3-3-4, 3-4-3, 4-3-3 or 3-7. */
const TOLLFREE =
  `(?:${CN_PREFIX_STRICT}${SEP}?)?[48]00(?:${DM}{7}|${SEP}${DM}{3}${SEP}${DM}{4}|${SEP}${DM}{4}${SEP}${DM}{3}|${D}${SEP}${DM}{3}${SEP}${DM}{3}|${SEP}${DM}{7}|${DOT_SEP}${D}{3}${DOT_SEP}${D}{4})`;

/** 95xxx (bank, carrier, insurer hotlines) and 96xxx(x) (local public services). */
const SERVICE = `(?:95${D}{3}|96${D}{3,4})`;

/**
 * International: '+', a country code other than 86 (China is handled above), then digit groups
 * separated by exactly one separator or a parenthesised group: +1 (415) 555-2671,
 * +44 (0)20 7946 0958, +81-3-1234-5678, (+852) 2123 4567. Every group must be preceded by a
 * non-digit, so there is only one way to split the digits (no backtracking blow-up). The
 * 8-15 digit E.164 length is checked in code.
 */
const INTL_HEAD = `(?:\\+(?!86)[1-9]${D}{0,14}|${OPEN}\\+(?!86)[1-9]${D}{0,3}${CLOSE}${INTL_SEP}?${D}{1,14})`;
const INTL = `${INTL_HEAD}(?:(?:${INTL_SEP}|${INTL_SEP}?\\(${D}{1,4}\\)${INTL_SEP}?)${D}{1,14}){0,7}`;

/** Extension words: 转808, 转分机808, 分机808, 分机号：808, ext 808, ext.808, x808, #808. */
const EXT_WORD = `[ \\u00a0]?(?:[转轉](?:分[机機])?|分[机機]号?|(?:ext|Ext|EXT)\\.?|[xX#])[:：]?[ \\u00a0]?${D}{1,6}`;
/** After a landline a dash also introduces an extension: 0571-88888888-8001. */
const EXT_ANY = `(?:${EXT_WORD}|-${D}{1,6})`;

/** A number must end at a boundary, or be followed by an extension that ends at one. The
 *  lookahead lets the regex pick the right split, e.g. 0755-2234567x808 = 2234567 + x808. */
const thenEnd = (ext: string) => `(?=${ext}${END}|${END})`;

const sticky = (source: string) => new RegExp(source, 'y');
const MOBILE_RE = sticky(MOBILE + END);
const LANDLINE_RE = sticky(LANDLINE + thenEnd(EXT_ANY));
const LANDLINE_CN_RE = sticky(LANDLINE_CN + thenEnd(EXT_ANY));
const TOLLFREE_RE = sticky(TOLLFREE + thenEnd(EXT_WORD));
const SERVICE_RE = sticky(SERVICE + END);
const INTL_RE = sticky(INTL + thenEnd(EXT_WORD));
const EXT_ANY_RE = sticky(EXT_ANY + END);
const EXT_WORD_RE = sticky(EXT_WORD + END);
/** "RMB 95588", "CNY13800138000.00": a currency word before the number makes it an amount. */
const CURRENCY_WORD_RE = /(?:RMB|CNY|USD|HKD)/iy;

// ---------------------------------------------------------------------------------------------
// Character tests (on char codes, so the scanner allocates nothing).
// ---------------------------------------------------------------------------------------------

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordChar = (c: number) => isDigit(c) || isLetter(c) || c === 95; // [0-9A-Za-z_]
const isMask = (c: number) => c === 42 || c === 0xff0a || c === 0xd7 || c === 120 || c === 88;
/** Same set as END: may not touch a number. */
const isGlue = (c: number) => isWordChar(c) || isMask(c);
const isSep = (c: number) =>
  c === 32 || c === 0xa0 || c === 0x3000 || c === 45 || (c >= 0x2010 && c <= 0x2015) || c === 0xff0d;

const codes = (s: string) => new Set(Array.from(s, (ch) => ch.charCodeAt(0)));
/** Currency signs before a number make it an amount: ¥13800138000. */
const CURRENCY = codes('¥￥$€£');
/** Units after a number make it an amount or a percentage: 13800138000元, 95588%. */
const AMOUNT_UNITS = codes('元圆块万亿%‰');
/** Five-digit service numbers collide with ordinary quantities, so more units disqualify them:
 *  95000件, 96120次, 95588号 (house number). '分' counts unless it starts 分机. */
const QUANTITY_UNITS = codes('千百件个次人台份条笔张单户位名天周年月日时分秒号楼室层栋岁克斤吨米');
/** …and so do ordinal/total words before them: 第95588, 共96120. */
const QUANTITY_BEFORE = codes('第共约计');

const CHAR_0 = 48;
const CHAR_1 = 49;
const CHAR_4 = 52;
const CHAR_8 = 56;
const CHAR_9 = 57;
const CHAR_2 = 50;
const CHAR_3 = 51;
const CHAR_6 = 54;
const CLOSE_PAREN = 41;
const PLUS = 43;
const PAREN = 40;
const FW_PAREN = 0xff08;
const DOT = 46;
const HYPHEN = 45;
const AT = 64;
const COLON = 58;
const SLASH = 47;
const BACKSLASH = 92;
const SPACE = 32;

// ---------------------------------------------------------------------------------------------
// Boundary rule (see docs/dialing.md, "Boundary rule").
// ---------------------------------------------------------------------------------------------

/** Length of the digit run at index i going in direction dir (capped at 8: callers only ask
 *  "at most 4?" or "at least 7?"). */
function digitRun(text: string, i: number, dir: 1 | -1): number {
  let n = 0;
  while (n < 8 && i >= 0 && i < text.length && isDigit(text.charCodeAt(i))) {
    n++;
    i += dir;
  }
  return n;
}

/**
 * Is the number joined to its neighbourhood on one side? `at` is the index of the neighbour
 * (start - 1 or end), `dir` points away from the number, `sep` is the first group separator inside
 * the number (-1 if it is written without one). The neighbour itself is already known not to
 * be a digit, letter, '_' or mask character.
 */
function joinedOnSide(text: string, at: number, dir: 1 | -1, sep: number): boolean {
  if (at < 0 || at >= text.length) return false;
  const c = text.charCodeAt(at);
  const farAt = at + dir;
  const far = farAt >= 0 && farAt < text.length ? text.charCodeAt(farAt) : -1;
  // '.', '-' and '@' between alphanumerics join one token: 13800138000.00, 1.3.8001380,
  // 2026-13800138000, SKU-13800138000-A, 13800138000@163.com.
  if (c === DOT || c === HYPHEN || c === AT) return isWordChar(far);
  // ':' joins digits (14:32:05, host:port) but "Tel:13800138000" is a label.
  if (c === COLON) return isDigit(far);
  // '/' joins paths and dates (crm/13800138000, 2026/11/18) but "13800138000/13900139000" is
  // a list of two numbers: both sides are runs of 7+ digits.
  if (c === SLASH || c === BACKSLASH) {
    if (isDigit(far)) return digitRun(text, farAt, dir) < 7;
    return isWordChar(far) || far === DOT || far === SLASH;
  }
  // A number written in groups that the same separator continues with another group of at most
  // 4 digits is a slice of a longer grouped run: bank card "6222 0755 8600 1234", ID or order
  // numbers in groups. Not when that short group starts a number written with a different
  // separator: "0571 8888 8888 010-12345678".
  if (sep === c && isDigit(far)) {
    const run = digitRun(text, farAt, dir);
    if (run > 4) return false;
    const beyondAt = farAt + dir * run;
    const beyond = beyondAt >= 0 && beyondAt < text.length ? text.charCodeAt(beyondAt) : -1;
    return beyond === c || !(isSep(beyond) || beyond === DOT || beyond === SLASH || beyond === COLON);
  }
  return false;
}

/** Amounts: a currency sign or word before (one space allowed), a unit after. */
function isAmount(text: string, start: number, end: number, kind: PhoneKind): boolean {
  let p = start - 1;
  if (p >= 0 && text.charCodeAt(p) === SPACE) p--;
  if (p >= 0) {
    const c = text.charCodeAt(p);
    if (CURRENCY.has(c)) return true;
    if (kind === 'service' && QUANTITY_BEFORE.has(c)) return true;
    if (p >= 2 && isLetter(c)) {
      CURRENCY_WORD_RE.lastIndex = p - 2;
      if (CURRENCY_WORD_RE.test(text)) return true;
    }
  }
  let q = end;
  if (q < text.length && text.charCodeAt(q) === SPACE) q++;
  if (q < text.length) {
    const c = text.charCodeAt(q);
    if (AMOUNT_UNITS.has(c)) return true;
    if (kind === 'service' && QUANTITY_UNITS.has(c)) {
      const next = text.charCodeAt(q + 1);
      return !(c === 0x5206 /* 分 */ && (next === 0x673a /* 机 */ || next === 0x6a5f)); /* 機 */
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Building a result.
// ---------------------------------------------------------------------------------------------

/** Digits and hidden digits ('*') of text[from, to), separators and parentheses dropped. */
function symbols(text: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) s += text[i];
    else if (isMask(c)) s += '*';
  }
  return s;
}

/** The first group separator in text[from, to), or -1: the grouped-run rule needs it. */
function firstSep(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isSep(c)) return c;
  }
  return -1;
}

/**
 * A masked number is usable for display only if the mask is one run of 3+ hidden digits and at
 * least 5 digits stay visible: 138****8000 yes; 1380013800x (a stray letter) and 138******** no.
 */
function maskIsPlausible(num: string): boolean {
  const first = num.indexOf('*');
  const last = num.lastIndexOf('*');
  const run = last - first + 1;
  if (run < 3 || num.length - run < 5) return false;
  for (let i = first; i <= last; i++) if (num.charCodeAt(i) !== 42) return false;
  return true;
}

/** Extension digits of text[from, to) (the marker words contain no digits). */
function extDigits(text: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) if (isDigit(text.charCodeAt(i))) s += text[i];
  return s;
}

/** Run one sticky pattern at `start`; the end offset or -1. */
function stickyEnd(re: RegExp, text: string, start: number): number {
  re.lastIndex = start;
  return re.test(text) ? re.lastIndex : -1;
}

/**
 * International numbers: E.164 allows 8 to 15 digits. The pattern may have run on into the next
 * number ("+852 2123 4567 13800138000"), so trailing digit groups are given back until the
 * digits fit. Returns the new end, or -1 if no prefix of the groups has 8-15 digits. The
 * "(0)" trunk prefix of "+44 (0)20 …" does not count (it is not dialled from abroad).
 */
function fitE164(text: string, start: number, end: number): number {
  let count = 0;
  let fit = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isTrunkZero(text, i)) i += 2;
    else if (isDigit(c)) {
      count++;
      const atGroupEnd = i + 1 >= end || !isDigit(text.charCodeAt(i + 1));
      if (atGroupEnd && count >= 8 && count <= 15) fit = i + 1;
    }
  }
  return fit;
}
const isTrunkZero = (text: string, i: number) =>
  text.charCodeAt(i) === PAREN && text.charCodeAt(i + 1) === CHAR_0 && text.charCodeAt(i + 2) === 41;

// How each pattern's text becomes the `number` (called only for accepted matches).
/** Mobile: the last 11 symbols (drops a 86 / 0086 prefix). */
const mobileNumber = (text: string, start: number, end: number) => symbols(text, start, end).slice(-11);
/** 400/800: the last 10 symbols (drops +86). */
const tollfreeNumber = (text: string, start: number, end: number) => symbols(text, start, end).slice(-10);
/** Domestic landline and service numbers: every symbol. */
const allSymbols = symbols;
/** +86 landline: drop the prefix (the pattern guarantees one), restore the trunk 0. */
function cnLandlineNumber(text: string, start: number, end: number): string {
  const s = symbols(text, start, end);
  const national = s.slice(s.startsWith('0086') ? 4 : 2);
  return national.charCodeAt(0) === CHAR_0 ? national : '0' + national; // +86 10 … → 010…
}
/** International: '+' and every digit but a "(0)" trunk prefix. */
function e164Number(text: string, start: number, end: number): string {
  let s = '+';
  for (let i = start; i < end; i++) {
    if (isTrunkZero(text, i)) i += 2;
    else if (isDigit(text.charCodeAt(i))) s += text[i];
  }
  return s;
}

interface Pattern {
  re: RegExp;
  kind: PhoneKind;
  /** The extension pattern tried where the number ends, if this kind takes extensions. */
  ext: RegExp | null;
  number: (text: string, start: number, end: number) => string;
}
const MOBILE_P: Pattern = { re: MOBILE_RE, kind: 'mobile', ext: null, number: mobileNumber };
const LANDLINE_P: Pattern = { re: LANDLINE_RE, kind: 'landline', ext: EXT_ANY_RE, number: allSymbols };
const LANDLINE_CN_P: Pattern = { re: LANDLINE_CN_RE, kind: 'landline', ext: EXT_ANY_RE, number: cnLandlineNumber };
const TOLLFREE_P: Pattern = { re: TOLLFREE_RE, kind: 'tollfree', ext: EXT_WORD_RE, number: tollfreeNumber };
const SERVICE_P: Pattern = { re: SERVICE_RE, kind: 'service', ext: null, number: allSymbols };
const INTL_P: Pattern = { re: INTL_RE, kind: 'international', ext: EXT_WORD_RE, number: e164Number };

/**
 * Try one pattern at `start`: the regex, then the checks a regex cannot express well (E.164
 * length, boundary rule, amounts, mask shape). Builds the result only if everything passes.
 */
function tryPattern(p: Pattern, text: string, start: number): PhoneMatch | null {
  let mainEnd = stickyEnd(p.re, text, start);
  if (mainEnd < 0) return null;
  let extRe = p.ext;
  if (p.kind === 'international') {
    const fit = fitE164(text, start, mainEnd);
    if (fit < 0) return null;
    if (fit < mainEnd) {
      mainEnd = fit;
      extRe = null; // what followed was the next number, not an extension
    }
  } else if (p.kind === 'service' && text.startsWith('000', mainEnd - 3)) {
    return null; // round thousands (库存 96000, 销量 95000) are quantities: no hotline ends in 000
  }
  const extEnd = extRe ? stickyEnd(extRe, text, mainEnd) : -1;
  const end = extEnd > 0 ? extEnd : mainEnd;

  const sep = firstSep(text, start, mainEnd);
  if (joinedOnSide(text, start - 1, -1, sep) || joinedOnSide(text, end, 1, sep)) return null;
  if (isAmount(text, start, end, p.kind)) return null;

  const number = p.number(text, start, mainEnd);
  const masked = number.includes('*');
  if (masked && !maskIsPlausible(number)) return null;
  const match: PhoneMatch = { start, end, raw: text.slice(start, end), kind: p.kind, number, masked };
  if (extEnd > 0) match.extension = extDigits(text, mainEnd, extEnd);
  return match;
}

/** Which patterns can start with which character, most specific first. */
function patternsFor(c: number): readonly Pattern[] | null {
  switch (c) {
    case CHAR_1:
      return FROM_ONE;
    case CHAR_0:
      return FROM_ZERO; // 0086 138…, 010-…, 0086 10 …
    case CHAR_8:
      return FROM_EIGHT; // 86 138…, 800 …
    case CHAR_4:
      return FROM_FOUR;
    case CHAR_9:
      return FROM_NINE;
    case PLUS:
      return FROM_PLUS;
    case PAREN:
    case FW_PAREN:
      return FROM_PAREN; // (+86)138…, (0755)…, (+86)10…, (+852) …
    default:
      return null; // 2, 3, 5, 6, 7 start nothing we detect
  }
}
const FROM_ONE = [MOBILE_P];
const FROM_ZERO = [MOBILE_P, LANDLINE_P, LANDLINE_CN_P];
const FROM_EIGHT = [MOBILE_P, TOLLFREE_P];
const FROM_FOUR = [TOLLFREE_P];
const FROM_NINE = [SERVICE_P];
const FROM_PLUS = [MOBILE_P, TOLLFREE_P, LANDLINE_CN_P, INTL_P]; // +86 400… is not area code 0400
const FROM_PAREN = [MOBILE_P, LANDLINE_P, LANDLINE_CN_P, INTL_P];

// ---------------------------------------------------------------------------------------------
// Public API.
// ---------------------------------------------------------------------------------------------

/** Full-width digits, plus and dot (typed with a Chinese IME), one UTF-16 unit each like their ASCII twins. */
const FULL_WIDTH_RE = /[\uff0b\uff0e\uff10-\uff19]/;
const FULL_WIDTH_ALL_RE = /[\uff0b\uff0e\uff10-\uff19]/g;
const toAscii = (c: string) => String.fromCharCode(c.charCodeAt(0) - 0xfee0);

/** Every phone number in `text`, in order, non-overlapping; at most `limit` of them. */
export function findPhoneNumbers(original: string, options?: { limit?: number }): PhoneMatch[] {
  // Matched on an ASCII copy of the same length, so offsets hold; `raw` is the text as written.
  const text = FULL_WIDTH_RE.test(original) ? original.replace(FULL_WIDTH_ALL_RE, toAscii) : original;
  const found = scan(text, options?.limit ?? Infinity);
  if (text !== original) for (const match of found) match.raw = original.slice(match.start, match.end);
  return found;
}

function scan(text: string, limit: number): PhoneMatch[] {
  const found: PhoneMatch[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && found.length < limit) {
    const c = text.charCodeAt(i);
    const patterns = patternsFor(c);
    // A number never starts inside a word or digit run (left half of the boundary rule).
    if (patterns === null || (i > 0 && isGlue(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let match: PhoneMatch | null = null;
    for (let k = 0; k < patterns.length && match === null; k++) match = tryPattern(patterns[k]!, text, i);
    if (match) {
      found.push(match);
      i = match.end;
    } else {
      i++;
      // Nothing can start inside the rest of this digit run: skip it in one go. (After a failed
      // '+' or '(' the digits that follow are a fresh start: "（95599）".)
      if (isDigit(c)) while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  }
  return found;
}

/** For a table cell: the number the cell holds (first plausible match), or null. */
export function parseCellNumber(text: string): PhoneMatch | null {
  // Fast paths for what most phone columns hold, with the same result as the scan, without it (a
  // 10k-row column spends its time here): one mobile, plain or in 3-4-4 groups, maybe after +86;
  // one landline as 0755-86001234, 010 62345678, (0755)86001234 or 0755 8600 1234. White space
  // around it is allowed. Anything else (masks, extensions, several numbers, words) takes the scan.
  let from = 0;
  let to = text.length;
  while (from < to && text.charCodeAt(from) <= SPACE) from++;
  while (to > from && text.charCodeAt(to - 1) <= SPACE) to--;
  const first = text.charCodeAt(from);
  const fast =
    first === CHAR_1 ? fastMobile(text, from, from, to) :
    first === CHAR_0 ? fastLandline(text, from, from + 1, to, false) :
    first === PAREN && text.charCodeAt(from + 1) === CHAR_0 ? fastLandline(text, from, from + 2, to, true) :
    first === PLUS && text.charCodeAt(from + 1) === CHAR_8 && text.charCodeAt(from + 2) === CHAR_6
      ? fastMobile(text, from, from + 3 + (text.charCodeAt(from + 3) === SPACE || text.charCodeAt(from + 3) === HYPHEN ? 1 : 0), to)
      : null;
  return fast ?? findPhoneNumbers(text, { limit: 1 })[0] ?? null;
}

const digitsIn = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
};

/** `text[at…to)` is 13800138000, or 138 0013 8000 / 138-0013-8000 (one space or hyphen, the same twice); the match starts at `from`. */
function fastMobile(text: string, from: number, at: number, to: number): PhoneMatch | null {
  const length = to - at;
  if ((length !== 11 && length !== 13) || text.charCodeAt(at) !== CHAR_1) return null;
  const second = text.charCodeAt(at + 1);
  if (second < CHAR_3 || second > CHAR_9) return null;
  let number: string;
  if (length === 11) {
    if (!digitsIn(text, at + 2, to)) return null;
    number = text.slice(at, to);
  } else {
    const sep = text.charCodeAt(at + 3);
    if ((sep !== SPACE && sep !== HYPHEN) || text.charCodeAt(at + 8) !== sep) return null;
    if (!digitsIn(text, at + 2, at + 3) || !digitsIn(text, at + 4, at + 8) || !digitsIn(text, at + 9, to)) return null;
    number = text.slice(at, at + 3) + text.slice(at + 4, at + 8) + text.slice(at + 9, to);
  }
  return wholeCell(text, from, to, 'mobile', number);
}

/** The match a fast path found: `text[from…to)` is the number, nothing else in the cell. */
function wholeCell(text: string, from: number, to: number, kind: PhoneKind, number: string): PhoneMatch {
  const raw = from === 0 && to === text.length ? text : text.slice(from, to);
  return { start: from, end: to, raw, kind, number, masked: false };
}

/**
 * `text[at…to)` (just after the trunk 0, or after "(0") is an area code — 10, 2x, or [3-9]xx —
 * then ")" if `paren`, else one space or hyphen, then a subscriber number that starts 1-9: seven or
 * eight digits, or 4 + 4 split by one space or hyphen (not after a parenthesis).
 */
function fastLandline(text: string, from: number, at: number, to: number, paren: boolean): PhoneMatch | null {
  const a = text.charCodeAt(at);
  const areaLength = a === CHAR_1 ? (text.charCodeAt(at + 1) === CHAR_0 ? 2 : 0) : a === CHAR_2 ? 2 : a >= CHAR_3 && a <= CHAR_9 ? 3 : 0;
  if (areaLength === 0 || !digitsIn(text, at + 1, at + areaLength)) return null;
  const sep = text.charCodeAt(at + areaLength);
  if (paren ? sep !== CLOSE_PAREN : sep !== SPACE && sep !== HYPHEN) return null;
  const sub = at + areaLength + 1;
  const s0 = text.charCodeAt(sub);
  if (s0 <= CHAR_0 || s0 > CHAR_9) return null;
  const length = to - sub;
  let subscriber: string;
  if (length === 7 || length === 8) {
    if (!digitsIn(text, sub + 1, to)) return null;
    subscriber = text.slice(sub, to);
  } else if (length === 9 && !paren) {
    const inner = text.charCodeAt(sub + 4);
    if ((inner !== SPACE && inner !== HYPHEN) || !digitsIn(text, sub + 1, sub + 4) || !digitsIn(text, sub + 5, to)) return null;
    subscriber = text.slice(sub, sub + 4) + text.slice(sub + 5, to);
  } else return null;
  return wholeCell(text, from, to, 'landline', '0' + text.slice(at, at + areaLength) + subscriber);
}
