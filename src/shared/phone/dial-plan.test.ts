import { describe, expect, it } from 'vitest';
import { findPhoneNumbers, type PhoneMatch } from './detect.ts';
import { DEFAULT_DIAL_PLAN, DIAL_INPUT_ERRORS, type DialPlan, dialString, normalizeDialInput } from './dial-plan.ts';

const plan = (overrides: Partial<DialPlan> = {}): DialPlan => ({ ...DEFAULT_DIAL_PLAN, ...overrides });
const one = (text: string): PhoneMatch => {
  const [m] = findPhoneNumbers(text);
  if (!m) throw new Error(`no number in ${text}`);
  return m;
};

describe('DEFAULT_DIAL_PLAN', () => {
  it('no outside-line prefix, 00 for international, extensions dropped', () => {
    expect(DEFAULT_DIAL_PLAN).toEqual({ outsideLinePrefix: '', internationalPrefix: '00', extension: 'drop' });
  });
});

describe('dialString', () => {
  // [text, default plan, outside '9' + '+' + dtmf]
  it.each([
    ['13800138000', '13800138000', '913800138000'],
    ['+86 138 0013 8000', '13800138000', '913800138000'],
    ['010-62345678', '01062345678', '901062345678'],
    ['021-50501234转808', '02150501234', '902150501234,808'],
    ['+86 755 8600 1234 ext 12', '075586001234', '9075586001234,12'],
    ['400-800-1234', '4008001234', '94008001234'],
    ['400-800-1234转2', '4008001234', '94008001234,2'],
    ['95588', '95588', '995588'],
    ['+1 415 555 2671', '0014155552671', '9+14155552671'],
    ['+44 (0)20 7946 0958 x12', '00442079460958', '9+442079460958,12'],
  ])('%s', (text, byDefault, customized) => {
    const m = one(text);
    expect(dialString(m, DEFAULT_DIAL_PLAN)).toBe(byDefault);
    expect(dialString(m, { outsideLinePrefix: '9', internationalPrefix: '+', extension: 'dtmf' })).toBe(customized);
  });

  it('outsideLinePrefix goes in front of every kind', () => {
    for (const text of ['13800138000', '010-62345678', '4008001234', '95588', '+852 2123 4567']) {
      const m = one(text);
      expect(dialString(m, plan({ outsideLinePrefix: '0' }))).toBe('0' + dialString(m, DEFAULT_DIAL_PLAN));
    }
  });

  it('internationalPrefix only changes international numbers', () => {
    expect(dialString(one('+852 2123 4567'), plan({ internationalPrefix: '+' }))).toBe('+85221234567');
    expect(dialString(one('+852 2123 4567'), plan({ internationalPrefix: '00' }))).toBe('0085221234567');
    expect(dialString(one('+86 138 0013 8000'), plan({ internationalPrefix: '+' }))).toBe('13800138000');
  });

  it("extension 'drop' dials the main number, 'dtmf' appends a pause and the digits", () => {
    const m = one('0755-86001234 分机 8001');
    expect(dialString(m, plan({ extension: 'drop' }))).toBe('075586001234');
    expect(dialString(m, plan({ extension: 'dtmf' }))).toBe('075586001234,8001');
    expect(dialString(one('13800138000'), plan({ extension: 'dtmf' }))).toBe('13800138000');
  });

  it.each(['138****8000', '138xxxx8000', '010-****5678', '400-***-1234'])('masked %s → null under every plan', (text) => {
    const m = one(text);
    expect(m.masked).toBe(true);
    expect(dialString(m, DEFAULT_DIAL_PLAN)).toBeNull();
    expect(dialString(m, { outsideLinePrefix: '9', internationalPrefix: '+', extension: 'dtmf' })).toBeNull();
  });
});

describe('normalizeDialInput: accepted', () => {
  const nine = plan({ outsideLinePrefix: '9' });
  it.each([
    // what detection accepts
    ['13800138000', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
    ['  138 0013 8000  ', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
    ['+86 138-0013-8000', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
    ['0086 13800138000', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
    ['8613800138000', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
    ['(010) 6234 5678', DEFAULT_DIAL_PLAN, '01062345678', 'landline'],
    ['010-62345678转808', plan({ extension: 'dtmf' }), '01062345678,808', 'landline'],
    ['010-62345678转808', DEFAULT_DIAL_PLAN, '01062345678', 'landline'],
    ['400 800 1234', nine, '94008001234', 'tollfree'],
    ['95588', nine, '995588', 'service'],
    ['+1 415 555 2671', DEFAULT_DIAL_PLAN, '0014155552671', 'international'],
    ['+44 20 7946 0958', plan({ internationalPrefix: '+' }), '+442079460958', 'international'],
    ['客户张伟 电话：13800138000（微信同号）', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
    ['13800138000 / 138-0013-8000', DEFAULT_DIAL_PLAN, '13800138000', 'mobile'],
  ] as const)('%s', (input, p, dial, kind) => {
    const r = normalizeDialInput(input, p);
    expect(r).toMatchObject({ ok: true, dial });
    if (r.ok) expect(r.match?.kind).toBe(kind);
  });

  it.each([
    // typed on purpose, not found in running text: match is null
    ['8002', nine, '8002', 'internal extension: no outside-line prefix'],
    ['801', nine, '801', 'three-digit extension'],
    ['600123', nine, '600123', 'six-digit extension'],
    ['1001', nine, '1001', 'four digits starting with 1 are an extension too'],
    ['10086', nine, '910086', 'carrier short number'],
    ['12345', nine, '912345', 'government hotline'],
    ['110', nine, '9110', 'emergency'],
    ['62345678', nine, '962345678', 'local number without area code'],
    ['6234567', DEFAULT_DIAL_PLAN, '6234567', 'seven-digit local number'],
    ['138.0013.8000', DEFAULT_DIAL_PLAN, '13800138000', 'dots: the compact digits are a mobile'],
    ['138  0013  8000', DEFAULT_DIAL_PLAN, '13800138000', 'double spaces'],
    ['+86 (010) 6234-5678', nine, '901062345678', 'area code in parentheses after +86'],
    ['1 3 8 0 0 1 3 8 0 0 0', DEFAULT_DIAL_PLAN, '13800138000', 'digit by digit'],
    ['0014155552671', DEFAULT_DIAL_PLAN, '0014155552671', '00 international'],
    ['00 852 2123 4567', plan({ internationalPrefix: '+' }), '+85221234567', '00 international, plan +'],
    ['+85221234567', DEFAULT_DIAL_PLAN, '0085221234567', 'detected as international'],
  ] as const)('%s (%s)', (input, p, dial, _why) => {
    expect(normalizeDialInput(input, p)).toMatchObject({ ok: true, dial });
  });

  it('typed short numbers and extensions carry no match', () => {
    expect(normalizeDialInput('8002', DEFAULT_DIAL_PLAN)).toEqual({ ok: true, dial: '8002', match: null });
  });
});

describe('normalizeDialInput: refused, with the message the agent sees', () => {
  it.each([
    ['', '请输入电话号码'],
    ['   ', '请输入电话号码'],
    ['abc', '“abc”不是电话号码'],
    ['张三', '“张三”不是电话号码'],
    ['SKU-13800138000-A', '“SKU-13800138000-A”不是电话号码'],
    ['13800138000abc', '“13800138000abc”不是电话号码'],
    ['*72#', '“*72#”不是电话号码'],
    ['abcdefghijklmnopqrstuvwxyz', '“abcdefghijklmnopqrst…”不是电话号码'],
    ['138****8000', '号码已隐藏，无法拨打'],
    ['138xxxx8000', '号码已隐藏，无法拨打'],
    ['尾号 138 **** 8000', '号码已隐藏，无法拨打'],
    ['138****', '号码已隐藏，无法拨打'],
    ['1380013800013800138000', '号码过长，最多 15 位数字'],
    ['+1234567890123456', '号码过长，最多 15 位数字'],
    ['电话'.repeat(101), '内容过长，请只输入或选中一个电话号码'],
    ['13800138000 13900139000', '包含多个号码（13800138000、13900139000），请只选择一个'],
    ['12', '“12”不是有效的电话号码'],
    ['12345678901', '“12345678901”不是有效的电话号码'],
    ['1234567', '“1234567”不是有效的电话号码'],
    ['+86 12345', '“+86 12345”不是有效的电话号码'],
    ['13800138000.00', '“13800138000.00”不是有效的电话号码'],
    ['2026-11-18', '“2026-11-18”不是有效的电话号码'],
    ['2026/11/18', '“2026/11/18”不是有效的电话号码'],
    ['2026年11月18日', '“2026年11月18日”不是有效的电话号码'],
  ])('%j → %s', (input, error) => {
    expect(normalizeDialInput(input, DEFAULT_DIAL_PLAN)).toEqual({ ok: false, error });
  });

  it('the messages are exported for the UI and tests', () => {
    expect(DIAL_INPUT_ERRORS.notANumber('abc')).toBe('“abc”不是电话号码');
    expect(DIAL_INPUT_ERRORS.masked).toBe('号码已隐藏，无法拨打');
  });
});
