import { describe, expect, it } from 'vitest';
import { advance, compareWaterLines, freshMessages, hasNews, maxWaterLine, parseWaterLine, quoteWaterLines } from './800ing-waterline.ts';

describe('parseWaterLine', () => {
  it.each<[unknown, string | null]>([
    [323454675453, '323454675453'],
    ['323454675453', '323454675453'],
    [' 0042 ', '42'],
    [0, '0'],
    ['9223372036854775807', '9223372036854775807'],
    [-1, null],
    [1.5, null],
    [2 ** 60, null],
    ['12a', null],
    ['', null],
    [null, null],
    [undefined, null],
    [{}, null],
  ])('%j → %j', (value, expected) => {
    expect(parseWaterLine(value)).toBe(expected);
  });
});

describe('comparing water lines (BigInt: a Long may not fit a double)', () => {
  it('orders by value, not by text', () => {
    expect(compareWaterLines('9', '10')).toBe(-1);
    expect(compareWaterLines('10', '9')).toBe(1);
    expect(compareWaterLines('42', '42')).toBe(0);
    // Differ only past double precision.
    expect(compareWaterLines('9007199254740993', '9007199254740992')).toBe(1);
    expect(maxWaterLine('9007199254740993', '9007199254740992')).toBe('9007199254740993');
    expect(hasNews('11', '10')).toBe(true);
    expect(hasNews('10', '10')).toBe(false);
    expect(hasNews('9', '10')).toBe(false);
  });

  it('quoteWaterLines keeps every digit of a Long through JSON.parse', () => {
    const text = '{"code":0,"waterline":9007199254740993,"msgs":[{"kind":"1","waterLine":9007199254740995 ,"time":1}]}';
    const parsed = JSON.parse(quoteWaterLines(text)) as { waterline: string; msgs: { waterLine: string; time: number }[] };
    expect(parsed.waterline).toBe('9007199254740993');
    expect(parsed.msgs[0]!.waterLine).toBe('9007199254740995');
    // Other numbers stay numbers; a quoted water line stays as it was.
    expect(parsed.msgs[0]!.time).toBe(1);
    expect(JSON.parse(quoteWaterLines('{"waterLine":"12"}'))).toEqual({ waterLine: '12' });
  });
});

const m = (waterLine: string | null, id = waterLine ?? 'x') => ({ id, waterLine });

describe('freshMessages: nothing applied twice', () => {
  it('keeps only messages after the last water line, oldest first', () => {
    const page = freshMessages([m('105'), m('101'), m('100'), m('99'), m('103')], '100');
    expect(page.fresh.map((x) => x.id)).toEqual(['101', '103', '105']);
    expect(page.newest).toBe('105');
  });

  it('a server that repeats old messages is not believed twice', () => {
    expect(freshMessages([m('100'), m('100')], '100')).toEqual({ fresh: [], newest: '100' });
  });

  it('messages without a readable water line are kept after the others (they answered “after last”)', () => {
    const page = freshMessages([m(null, 'a'), m('101')], '100');
    expect(page.fresh.map((x) => x.id)).toEqual(['101', 'a']);
    expect(page.newest).toBe('101');
    expect(freshMessages([m(null, 'a')], '100').newest).toBeNull();
  });

  it('an empty page', () => {
    expect(freshMessages([], '100')).toEqual({ fresh: [], newest: null });
  });
});

describe('advance: nothing lost', () => {
  it('a short (complete) page moves the line to the server\'s line, even past messages that were not for us', () => {
    expect(advance('100', { fresh: [], newest: null }, '120', true)).toBe('120');
    expect(advance('100', { fresh: [], newest: '110' }, '120', true)).toBe('120');
  });

  it('messages stored after the server\'s line was read count too', () => {
    expect(advance('100', { fresh: [], newest: '130' }, '120', true)).toBe('130');
  });

  it('a full page moves only to its newest message: the next page starts there, so nothing between is skipped', () => {
    expect(advance('100', { fresh: [], newest: '110' }, '120', false)).toBe('110');
    expect(advance('100', { fresh: [], newest: null }, '120', false)).toBe('100');
  });

  it('never goes back', () => {
    expect(advance('100', { fresh: [], newest: '90' }, '95', true)).toBe('100');
    expect(advance('100', { fresh: [], newest: '90' }, '95', false)).toBe('100');
  });
});
