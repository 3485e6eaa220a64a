import { describe, expect, it } from 'vitest';
import { digitsEcho, ECHO_KEYS, isTextField, KeySender, PAD_KEYS, padKeyLabel, padKeyOf } from './keypad.ts';
import { DTMF_PATTERN } from './softphone.ts';

const press = (key: string, mods: Partial<KeyboardEvent> = {}) => ({ key, ctrlKey: false, altKey: false, metaKey: false, repeat: false, isComposing: false, ...mods });

describe('the pad keys', () => {
  it('are the twelve phone keys, every one a valid DTMF press, ids fit for test ids', () => {
    expect(PAD_KEYS.map((k) => k.key).join('')).toBe('123456789*0#');
    for (const k of PAD_KEYS) {
      expect(DTMF_PATTERN.test(k.key)).toBe(true);
      expect(k.id).toMatch(/^[0-9a-z]+$/);
    }
  });

  it('* and # are read by name', () => {
    expect(padKeyLabel('*')).toBe('星号');
    expect(padKeyLabel('#')).toBe('井号');
    expect(padKeyLabel('7')).toBe('7');
  });
});

describe('padKeyOf: which keyboard presses are key presses', () => {
  it('digits, * and # (Shift+8 / Shift+3 and the number pad give the same event.key)', () => {
    for (const key of ['0', '5', '9', '*', '#']) expect(padKeyOf(press(key))).toBe(key);
    expect(padKeyOf(press('#', { shiftKey: true } as Partial<KeyboardEvent>))).toBe('#');
  });

  it('not letters (A–D exist in DTMF, but not on purpose from a keyboard), Enter, Backspace, commas', () => {
    for (const key of ['a', 'A', 'D', 'Enter', 'Backspace', ',', ' ', '+', 'F1', '１']) expect(padKeyOf(press(key)), key).toBeNull();
  });

  it('not shortcuts, held keys’ repeats or IME composition', () => {
    expect(padKeyOf(press('1', { ctrlKey: true }))).toBeNull();
    expect(padKeyOf(press('1', { altKey: true }))).toBeNull();
    expect(padKeyOf(press('1', { metaKey: true }))).toBeNull();
    expect(padKeyOf(press('1', { repeat: true }))).toBeNull();
    expect(padKeyOf(press('1', { isComposing: true }))).toBeNull();
  });
});

describe('isTextField: where typed digits are text, not tones', () => {
  it('text inputs (any text-like type or none), textareas, selects, contenteditable', () => {
    expect(isTextField({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'tel' })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'search' })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'number' })).toBe(true);
    expect(isTextField({ tagName: 'input' })).toBe(true);
    expect(isTextField({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextField({ tagName: 'SELECT' })).toBe(true);
    expect(isTextField({ tagName: 'DIV', isContentEditable: true })).toBe(true);
  });

  it('not buttons (the keypad’s keys, the toggle), checkboxes, the page body, nothing', () => {
    expect(isTextField({ tagName: 'BUTTON' })).toBe(false);
    expect(isTextField({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTextField({ tagName: 'INPUT', type: 'button' })).toBe(false);
    expect(isTextField({ tagName: 'BODY', isContentEditable: false })).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});

describe('digitsEcho', () => {
  it('the keys sent, in order', () => {
    expect(digitsEcho('1#9')).toBe('1#9');
    expect(digitsEcho('*')).toBe('*');
  });

  it('nothing sent: empty', () => {
    expect(digitsEcho(undefined)).toBe('');
    expect(digitsEcho('')).toBe('');
  });

  it(`keeps the last ${ECHO_KEYS}, with … in front when earlier ones are left out`, () => {
    const twenty = '12345678901234567890';
    expect(digitsEcho(twenty)).toBe(twenty);
    expect(digitsEcho(`${twenty}#`)).toBe(`…${twenty.slice(1)}#`);
    expect(digitsEcho('123456', 3)).toBe('…456');
  });
});

/** A send whose requests the test answers one by one. */
function fakeSend() {
  const calls: Array<{ digits: string; answer: (ok: boolean | Error) => void }> = [];
  const send = (digits: string) =>
    new Promise<boolean>((resolve, reject) => {
      calls.push({ digits, answer: (ok) => (ok instanceof Error ? reject(ok) : resolve(ok)) });
    });
  return { calls, send };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('KeySender', () => {
  it('sends a press at once', () => {
    const { calls, send } = fakeSend();
    new KeySender(send).press('1');
    expect(calls.map((c) => c.digits)).toEqual(['1']);
  });

  it('presses made while a request is on its way go together, in order, after it', async () => {
    const { calls, send } = fakeSend();
    const sender = new KeySender(send);
    sender.press('1');
    sender.press('2');
    sender.press('#');
    expect(calls.map((c) => c.digits)).toEqual(['1']);
    expect(sender.pending).toBe('2#');
    calls[0]!.answer(true);
    await tick();
    expect(calls.map((c) => c.digits)).toEqual(['1', '2#']);
    expect(sender.pending).toBe('');
    calls[1]!.answer(true);
    await tick();
    sender.press('9');
    expect(calls.map((c) => c.digits)).toEqual(['1', '2#', '9']);
  });

  it('drops the presses waiting behind a request that failed (or threw), and goes on with new ones', async () => {
    const { calls, send } = fakeSend();
    const sender = new KeySender(send);
    sender.press('1');
    sender.press('2');
    calls[0]!.answer(false);
    await tick();
    expect(calls).toHaveLength(1);
    expect(sender.pending).toBe('');
    sender.press('3');
    sender.press('4');
    calls[1]!.answer(new Error('gone'));
    await tick();
    expect(calls.map((c) => c.digits)).toEqual(['1', '3']);
    sender.press('5');
    expect(calls.map((c) => c.digits)).toEqual(['1', '3', '5']);
  });

  it('never puts more keys in one request than call/dtmf takes', async () => {
    const { calls, send } = fakeSend();
    const sender = new KeySender(send);
    sender.press('0');
    for (let i = 0; i < 40; i++) sender.press(String(i % 10));
    calls[0]!.answer(true);
    await tick();
    expect(calls[1]!.digits).toHaveLength(32);
    expect(DTMF_PATTERN.test(calls[1]!.digits)).toBe(true);
    calls[1]!.answer(true);
    await tick();
    expect(calls[2]!.digits).toHaveLength(8);
  });
});
