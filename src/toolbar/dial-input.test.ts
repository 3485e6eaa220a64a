import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAL_PLAN, type DialPlan } from '../shared/phone/dial-plan.ts';
import { checkDialInput, cleanPastedText, redialString } from './dial-input.ts';

const PREFIX: DialPlan = { outsideLinePrefix: '9', internationalPrefix: '00', extension: 'dtmf' };

describe('checkDialInput', () => {
  it('says nothing while the field is empty', () => {
    expect(checkDialInput('', DEFAULT_DIAL_PLAN)).toBeNull();
    expect(checkDialInput('   ', DEFAULT_DIAL_PLAN)).toBeNull();
  });

  it('gives the dial string, with the plan applied', () => {
    expect(checkDialInput('+86 139-1234-5678', DEFAULT_DIAL_PLAN)).toEqual({ ok: true, dial: '13912345678' });
    expect(checkDialInput('139 1234 5678', PREFIX)).toEqual({ ok: true, dial: '913912345678' });
  });

  it('gives the error message for bad input', () => {
    expect(checkDialInput('abc', DEFAULT_DIAL_PLAN)).toMatchObject({ ok: false, error: expect.stringContaining('不是电话号码') });
    expect(checkDialInput('138****8000', DEFAULT_DIAL_PLAN)).toEqual({ ok: false, error: '号码已隐藏，无法拨打' });
  });
});

describe('cleanPastedText', () => {
  it('keeps the number alone', () => {
    expect(cleanPastedText('+86 139-1234-5678', DEFAULT_DIAL_PLAN)).toBe('13912345678');
    expect(cleanPastedText('  电话：138 0013 8000\n', DEFAULT_DIAL_PLAN)).toBe('13800138000');
    expect(cleanPastedText('(+852) 2123 4567', DEFAULT_DIAL_PLAN)).toBe('+85221234567');
  });

  it('keeps an extension when the plan dials it', () => {
    const cleaned = cleanPastedText('010-6234 5678 转 808', PREFIX);
    expect(cleaned).toBe('01062345678转808');
    expect(checkDialInput(cleaned, PREFIX)).toEqual(checkDialInput('010-6234 5678 转 808', PREFIX));
  });

  it('cleans typed-only forms (short numbers, 00 international)', () => {
    expect(cleanPastedText('10086', DEFAULT_DIAL_PLAN)).toBe('10086');
    expect(cleanPastedText('138.0013.8000', DEFAULT_DIAL_PLAN)).toBe('13800138000');
  });

  it('keeps bad input as pasted (one line) so the agent sees it next to the error', () => {
    expect(cleanPastedText('call me\nmaybe', DEFAULT_DIAL_PLAN)).toBe('call me maybe');
    expect(cleanPastedText('138****8000', DEFAULT_DIAL_PLAN)).toBe('138****8000');
    expect(cleanPastedText('13800138000 13912345678', DEFAULT_DIAL_PLAN)).toBe('13800138000 13912345678');
  });

  it('never changes what gets dialled', () => {
    for (const text of ['+86 139-1234-5678', '0086 21 5050 1234', '+1 (212) 555-0123', '400-800-1234', '95588', '8002', '62345678']) {
      for (const plan of [DEFAULT_DIAL_PLAN, PREFIX]) {
        expect(checkDialInput(cleanPastedText(text, plan), plan), `${text}`).toEqual(checkDialInput(text, plan));
      }
    }
  });
});

describe('redialString', () => {
  it('dials an outbound call again exactly as it was dialled', () => {
    expect(redialString({ direction: 'outbound', number: '913912345678' }, PREFIX)).toBe('913912345678');
  });

  it('puts an inbound caller through the dial plan when it can', () => {
    expect(redialString({ direction: 'inbound', number: '13500001111' }, PREFIX)).toBe('913500001111');
    expect(redialString({ direction: 'inbound', number: '13500001111' }, DEFAULT_DIAL_PLAN)).toBe('13500001111');
    // Not a number the plan knows (a long-distance mobile with 0): as reported.
    expect(redialString({ direction: 'inbound', number: '013500001111' }, PREFIX)).toBe('013500001111');
  });
});
