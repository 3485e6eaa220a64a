import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CorpusExpected, loadCorpus } from '../../../test/fixtures/phone-corpus/corpus.ts';
import fc from 'fast-check';
import { findPhoneNumbers, type PhoneMatch, parseCellNumber } from './detect.ts';

/** What the corpus labels: number, kind, extension, masked (only when present/true). */
function label(m: PhoneMatch): CorpusExpected {
  const out: CorpusExpected = { number: m.number, kind: m.kind };
  if (m.extension !== undefined) out.extension = m.extension;
  if (m.masked) out.masked = true;
  return out;
}
const detect = (text: string) => findPhoneNumbers(text).map(label);
const numbers = (text: string) => findPhoneNumbers(text).map((m) => m.number);

describe('corpus: every case exactly (number, kind, extension, masked)', () => {
  it.each(loadCorpus())('[$class] $text', (c) => {
    expect(detect(c.text)).toEqual(c.expected);
  });
});

describe('formats', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['1380 013 8000', '13800138000'],
    ['138 00138000', '13800138000'],
    ['+86 13800138000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['+86-138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['008613800138000', '13800138000'],
    ['86 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['(+86)13800138000', '13800138000'],
    ['（+86）13800138000', '13800138000'],
    ['(+86) 138 0013 8000', '13800138000'],
    ['(0086)13800138000', '13800138000'],
    ['(86)13800138000', '13800138000'],
    ['199 9999 9999', '19999999999'],
  ])('mobile %s', (text, number) => {
    expect(detect(text)).toEqual([{ number, kind: 'mobile' }]);
  });

  it.each([
    ['010-62345678', '01062345678'],
    ['010 6234 5678', '01062345678'],
    ['01062345678', '01062345678'],
    ['(0755)1234567', '07551234567'],
    ['（0755）12345678', '075512345678'],
    ['(010) 6234 5678', '01062345678'],
    ['0755-86001234', '075586001234'],
    ['075586001234', '075586001234'],
    ['0938-6481200', '09386481200'],
    ['010-12345678', '01012345678'],
    ['+86 10 6234 5678', '01062345678'],
    ['+86-755-86001234', '075586001234'],
    ['+86 (0)755 8600 1234', '075586001234'],
    ['0086 21 5050 1234', '02150501234'],
    ['+86 010-62345678', '01062345678'],
    ['(+86)10 62345678', '01062345678'],
    ['010－62345678', '01062345678'],
  ])('landline %s', (text, number) => {
    expect(detect(text)).toEqual([{ number, kind: 'landline' }]);
  });

  it('a glued subscriber must not start with 0 or 1 (the rule), a set-off one may start with 1', () => {
    expect(numbers('01012345678')).toEqual([]);
    expect(numbers('0755012345678')).toEqual([]);
    expect(numbers('010-02345678')).toEqual([]);
    expect(numbers('010-12345678')).toEqual(['01012345678']);
  });

  it.each([
    ['021-50501234转808', '02150501234', '808'],
    ['021-50501234 转 808', '02150501234', '808'],
    ['021-50501234转分机808', '02150501234', '808'],
    ['021-50501234 ext 808', '02150501234', '808'],
    ['021-50501234 ext.808', '02150501234', '808'],
    ['021-50501234 EXT. 808', '02150501234', '808'],
    ['021-50501234x808', '02150501234', '808'],
    ['021-50501234#808', '02150501234', '808'],
    ['021-50501234分机808', '02150501234', '808'],
    ['021-50501234 分机号：808', '02150501234', '808'],
    ['0571 8888 8888-8001', '057188888888', '8001'],
    ['0571-88888888-8001', '057188888888', '8001'],
    ['0755-2234567x808', '07552234567', '808'],
  ])('extension %s', (text, number, extension) => {
    expect(detect(text)).toEqual([{ number, kind: 'landline', extension }]);
  });

  it.each([
    ['400-800-1234', '4008001234'],
    ['4008001234', '4008001234'],
    ['400 800 1234', '4008001234'],
    ['800 810 8888', '8008108888'],
    ['400-8888-123', '4008888123'],
    ['4006-888-888', '4006888888'],
    ['400-6888888', '4006888888'],
    ['+86 400 820 8820', '4008208820'],
  ])('400/800 %s', (text, number) => {
    expect(detect(text)).toEqual([{ number, kind: 'tollfree' }]);
  });

  it('400 with an extension word (not a dash)', () => {
    expect(detect('400-800-1234转2')).toEqual([{ number: '4008001234', kind: 'tollfree', extension: '2' }]);
    expect(detect('400-800-1234-2')).toEqual([]);
  });

  it.each(['95588', '95555', '96110', '962222'])('service %s', (n) => {
    expect(detect(`请拨打${n}`)).toEqual([{ number: n, kind: 'service' }]);
    expect(detect(`（${n}）`)).toEqual([{ number: n, kind: 'service' }]);
  });

  it.each([
    ['95588元', 'amount'],
    ['¥95588', 'currency'],
    ['95588.00', 'decimal'],
    ['955880', 'six digits starting 95'],
    ['9658812', 'seven digits'],
    ['库存95000件', 'quantity'],
    ['第96120次', 'ordinal'],
    ['共95588人', 'total'],
    ['95588%', 'percentage'],
    ['ORD95588', 'glued'],
    ['科技路95588号', 'house number'],
    ['库存 96000', 'round thousands'],
    ['销量 95000', 'round thousands'],
  ])('no service number in %s (%s)', (text) => {
    expect(detect(text)).toEqual([]);
  });

  it('a service number followed by 分机 is still one', () => {
    expect(numbers('95588分机')).toEqual(['95588']);
  });

  it.each([
    ['+1 415 555 2671', '+14155552671'],
    ['+1 (212) 555-0123', '+12125550123'],
    ['+1.415.555.2671', '+14155552671'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['+852 2123 4567', '+85221234567'],
    ['(+852) 2123 4567', '+85221234567'],
    ['（+852）2123 4567', '+85221234567'],
    ['+81-3-1234-5678', '+81312345678'],
    ['+85221234567', '+85221234567'],
  ])('international %s', (text, number) => {
    expect(detect(text)).toEqual([{ number, kind: 'international' }]);
  });

  it('international numbers must have 8 to 15 digits', () => {
    expect(numbers('+1 555 012')).toEqual([]); // 7 digits
    expect(numbers('+1234567890123456')).toEqual([]); // 16
    expect(numbers('+12345678')).toEqual(['+12345678']);
  });

  it('an international number gives back trailing groups that belong to the next number', () => {
    expect(numbers('+852 2123 4567 13800138000')).toEqual(['+85221234567', '13800138000']);
  });
});

describe('masked numbers', () => {
  it.each([
    ['138****8000', '138****8000', 'mobile'],
    ['138xxxx8000', '138****8000', 'mobile'],
    ['138XXXX8000', '138****8000', 'mobile'],
    ['138 **** 8000', '138****8000', 'mobile'],
    ['138-****-8000', '138****8000', 'mobile'],
    ['138＊＊＊＊8000', '138****8000', 'mobile'],
    ['1380013****', '1380013****', 'mobile'],
    ['010-****5678', '010****5678', 'landline'],
    ['0755-8600****', '07558600****', 'landline'],
    ['400-***-1234', '400***1234', 'tollfree'],
  ])('%s', (text, number, kind) => {
    expect(detect(text)).toEqual([{ number, kind, masked: true }]);
  });

  it.each([
    ['138*8000', 'too short'],
    ['1380013800x', 'one stray x is a glued letter, not a mask'],
    ['138********', 'fewer than 5 visible digits'],
    ['138**00**000', 'two separate mask runs'],
    ['110105********002X', 'masked ID card'],
    ['6222 **** **** 3800', 'masked bank card'],
  ])('not a masked phone: %s (%s)', (text) => {
    expect(detect(text)).toEqual([]);
  });
});

/** Each negative class, beyond the corpus: inputs a naive digit matcher would take. */
const NEGATIVES: Record<string, string[]> = {
  'order numbers and long digit runs': ['202611013833263343', '订单13800138000123', '2026111813800138000', '工单 20261118-13800138000', '退款单 13800138000-01', '0108613800138000'],
  'ID cards': ['110105194912310021', '11010519491231002X', '11010519491231002x', '身份证 13010519850313800X', '110105 19491231 002X'],
  'bank cards': ['6222021380013800', '6222 0213 8001 3800', '6222 0755 8600 1234', '6222-0755-8600-1234', '6228 4800 1380 0138 000', '6217001380013800138'],
  dates: ['2026-11-18', '2026/11/18', '20261118', '2026年11月18日', '2026.11.18', '18/11/2026', '20261118-20271117'],
  'times and timestamps': ['14:32:05', '1732170000', '1732170000000', '2026-11-18T13:58:01.123Z', 'ts=1380013800000', '12:13800138000'],
  amounts: ['¥13,800,138.00', '1,380,013,800', '138.00元', '13800138000.00', '13800138000元', '¥ 13800138000', 'RMB 13800138000', '$13800138000', '13800138000 元', '96120万'],
  postcodes: ['100080', '邮编 518057', '邮政编码200120'],
  'IPv4 addresses': ['192.168.13.138', '10.138.0.138', '172.16.138.8:8080', '113.80.138.200'],
  'version strings': ['v13.8.0', '1.3.8001380', 'build 13800138000.1', 'Chrome/138.0.7204.101', '5.10.138-13800138'],
  'glued to letters': ['SKU-13800138000-A', 'ab13800138000', '13800138000abc', 'wxid_13800138000', 'No.13800138000', '13800138000@163.com', 'crm/customer/13800138000/edit', 'tel_010-62345678'],
  percentages: ['13800138000%', '95588%', '13.80%', '01062345678 %', '138‰'],
  'hex ids': ['0x13800138000', 'a3f913800138000b', '13800138000ff', 'uuid 550e8400-e29b-41d4-a716-446655440000', '0X4008001234'],
};
describe.each(Object.entries(NEGATIVES))('negative class: %s', (_klass, texts) => {
  it.each(texts)('%s', (text) => {
    expect(detect(text)).toEqual([]);
  });
});

describe('boundary rule', () => {
  it('a number never touches a digit, ASCII letter, "_" or mask character', () => {
    for (const ch of ['0', '7', 'a', 'Z', '_', '*', 'x']) {
      expect(numbers(`${ch}13800138000`)).toEqual([]);
      expect(numbers(`13800138000${ch}`)).toEqual([]);
    }
  });

  it('Chinese text, punctuation and spaces around a number are fine', () => {
    for (const [before, after] of [['电话', '联系'], ['（', '）'], ['(', ')'], ['：', '，'], [' ', '。'], ['"', '"'], ['=', '&'], ['#', ';'], ['\t', '\n']]) {
      expect(numbers(`${before}13800138000${after}`)).toEqual(['13800138000']);
    }
  });

  it('"." "-" "@" join a number to an alphanumeric on their far side only', () => {
    expect(numbers('1.13800138000')).toEqual([]);
    expect(numbers('13800138000.5')).toEqual([]);
    expect(numbers('a-13800138000')).toEqual([]);
    expect(numbers('13800138000-1')).toEqual([]);
    expect(numbers('13800138000@qq.com')).toEqual([]);
    expect(numbers('请拨13800138000.')).toEqual(['13800138000']);
    expect(numbers('Call 13800138000. Thanks')).toEqual(['13800138000']);
    expect(numbers('电话-13800138000')).toEqual(['13800138000']);
  });

  it('":" joins digits only: "Tel:" is a label', () => {
    expect(numbers('14:13800138000')).toEqual([]);
    expect(numbers('13800138000:8080')).toEqual([]);
    expect(numbers('Tel:13800138000')).toEqual(['13800138000']);
  });

  it('"/" joins paths and short runs, but separates two numbers of 7+ digits', () => {
    expect(numbers('customer/13800138000')).toEqual([]);
    expect(numbers('13800138000/edit')).toEqual([]);
    expect(numbers('2026/13800138000')).toEqual([]);
    expect(numbers('13800138000/13900139000')).toEqual(['13800138000', '13900139000']);
    expect(numbers('010-62345678/62345679')).toEqual(['01062345678']);
    expect(numbers('电话/13800138000')).toEqual(['13800138000']);
  });

  it('a grouped number continued by another short group of the same separator is a slice of a longer run', () => {
    expect(numbers('6222 0755 8600 1234')).toEqual([]);
    expect(numbers('2026 138 0013 8000')).toEqual([]);
    expect(numbers('0755 8600 1234 5678')).toEqual([]);
    // a long run, or a group written with another separator, starts something else
    expect(numbers('0755 8600 1234 13800138000')).toEqual(['075586001234', '13800138000']);
    expect(numbers('0571 8888 8888 010-12345678')).toEqual(['057188888888', '01012345678']);
    // plain (ungrouped) numbers are not affected
    expect(numbers('13800138000 1234')).toEqual(['13800138000']);
    expect(numbers('13800138000 13900139000')).toEqual(['13800138000', '13900139000']);
  });
});

describe('offsets and raw text', () => {
  it.each([
    ['电话13800138000', 2, 13, '13800138000'],
    ['联系 138-0013-8000，谢谢', 3, 16, '138-0013-8000'],
    ['总机：021-50501234转808。', 3, 19, '021-50501234转808'],
    ['Tel: +86 (0)10 6234 5678 ext. 12!', 5, 32, '+86 (0)10 6234 5678 ext. 12'],
    ['（0755）12345678', 0, 14, '（0755）12345678'],
    ['客服（95588）', 3, 8, '95588'],
    ['HK (+852) 2123 4567.', 3, 19, '(+852) 2123 4567'],
    ['尾号 138****8000 的客户', 3, 14, '138****8000'],
  ])('%s', (text, start, end, raw) => {
    const [m] = findPhoneNumbers(text);
    expect(m).toMatchObject({ start, end, raw });
    expect(text.slice(start, end)).toBe(raw);
  });

  it('returns every number in order, non-overlapping', () => {
    const text = '张伟 13800138000，座机 010-62345678，客服 95588，香港 +852 2123 4567';
    const found = findPhoneNumbers(text);
    expect(found.map((m) => m.kind)).toEqual(['mobile', 'landline', 'service', 'international']);
    for (let i = 1; i < found.length; i++) expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.raw);
  });

  it('leaves `extension` out when there is none', () => {
    expect(findPhoneNumbers('13800138000')[0]).not.toHaveProperty('extension');
  });
});

describe('options and cells', () => {
  it('limit stops after that many matches', () => {
    const text = '13800138000 13900139000 13700137000';
    expect(findPhoneNumbers(text, { limit: 2 })).toHaveLength(2);
    expect(findPhoneNumbers(text, { limit: 0 })).toHaveLength(0);
    expect(findPhoneNumbers(text)).toHaveLength(3);
  });

  it('parseCellNumber returns the first plausible number or null', () => {
    expect(parseCellNumber(' 138 0013 8000 ')?.number).toBe('13800138000');
    expect(parseCellNumber('张伟（经理）\n010-62345678 / 13800138000')?.number).toBe('01062345678');
    expect(parseCellNumber('138****8000')).toMatchObject({ number: '138****8000', masked: true });
    expect(parseCellNumber('订单号202611013833263343')).toBeNull();
    expect(parseCellNumber('')).toBeNull();
  });
});

describe('runs in a content script', () => {
  it('has no imports (no libphonenumber, nothing else)', () => {
    const source = readFileSync(new URL('./detect.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
  });

  it.each([
    ['digits', '1'.repeat(200_000)],
    ['grouped digits', '1 '.repeat(100_000)],
    ['plus signs', '+1 '.repeat(70_000)],
    ['area codes', '0755-'.repeat(40_000)],
    ['prefixes', '(+86)'.repeat(40_000)],
    ['masks', '138*'.repeat(50_000)],
    ['international groups', '+1 2 3 4 5 6 7 8 9 '.repeat(10_000)],
  ])('stays linear on adversarial input: %s', (_name, text) => {
    const t0 = performance.now();
    findPhoneNumbers(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('parseCellNumber fast path', () => {
  it.each([
    '13800138000', '  13800138000\n', '138 0013 8000', '138-0013-8000', ' 139 1234 5678 ', '138 0013-8000', '12800138000', '138 0013 800',
    '138  013 8000', '1380013800a', '138 0013 8000 转808', '138\u00a00013\u00a08000', '138****8000', '１３８００１３８０００',
    '0755-86001234', '(0755)86001234', '0755 8600 1234', '010-62345678', '(010)12345678', '021 2000 0000', '0731-8888888',
    '0755-0600123', '0755-8600-1234', '(0755) 86001234', '01062345678', '0100-1234567', '(0755)8600 1234', '0755-86001234-808',
    '+86 13800138000', '+8613800138000', '+86-13800138000', '+86 138 0013 8000', '+86 12800138000', '+86  13800138000', '+86 010-62345678',
  ])('%j gives what the full scan gives', (text) => {
    expect(parseCellNumber(text)).toEqual(findPhoneNumbers(text, { limit: 1 })[0] ?? null);
  });

  it('gives what the full scan gives for any text built from phone-number pieces (property)', () => {
    // Pieces the fast paths look at, in any order: most strings are near misses of a fast shape.
    const piece = fc.oneof(
      fc.constantFrom('0', '1', '2', '5', '7', '8', '9', '10', '13', '755', '86', '+86', '+', '(', ')', '（', '）', '-', ' ', '  ', '.', '*', '\n', '\u00a0', '转', 'a'),
      fc.stringMatching(/^[0-9]{1,9}$/),
    );
    const shaped = fc.tuple(
      fc.constantFrom('', ' ', '\n '),
      fc.constantFrom('', '0', '(0', '+86', '+86 ', '+86-', '1', '0086 '),
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.constantFrom('', ' ', '-', ')', '.', '--'),
      fc.constantFrom('', '0', '1', '8'),
      fc.stringMatching(/^[0-9]{1,8}$/),
      fc.constantFrom('', ' ', '-', ''),
      fc.stringMatching(/^[0-9]{0,5}$/),
      fc.constantFrom('', ' ', '\t', '-808', ' 转1'),
    ).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(shaped, fc.array(piece, { maxLength: 8 }).map((p) => p.join(''))), (text) => {
        expect(parseCellNumber(text)).toEqual(findPhoneNumbers(text, { limit: 1 })[0] ?? null);
      }),
      { numRuns: 20_000 },
    );
  });
});
