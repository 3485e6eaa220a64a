/**
 * The English UI gets English text from the providers: every label of their info, every entry
 * of their vendor code tables and what their error functions and mappers produce, resolved with
 * the en messages (test/support/locale.ts), has no Chinese — apart from platform data (numbers,
 * a vendor's own free-text message), which stays as the platform sent it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CJK, useLocale } from '../../test/support/locale.ts';
import { t } from '../shared/i18n.ts';
import { ING800_ERROR_CODES, ING800_ERROR_TERMS, ING800_ERROR_TEXT, clientName, clientNotRunningHint, clientNotRunningMessage, httpErrorMessage as ing800HttpError, serverName as ing800Server, vendorErrorMessage as ing800VendorError } from './800ing/800ing-errors.ts';
import { ing800InfoDef } from './800ing/800ing-info.ts';
import { cmccSoftbarInfoDef } from './cmcc-softbar/cmcc-softbar-info.ts';
import { softbarSettingsSchema } from './cmcc-softbar/cmcc-softbar-info.ts';
import { DSCOM_ERROR_CODES, DSCOM_ERROR_TEXT, authLostHint, authLostMessage, httpErrorMessage as dscomHttpError, oauthReason, vendorErrorMessage as dscomVendorError } from './dscom/dscom-errors.ts';
import { dscomInfoDef, dscomSettingsSchema } from './dscom/dscom-info.ts';
import { DISPOSITION_RESULTS, mapBillingRows } from './dscom/dscom-mapper.ts';
import { reconnectHint } from './dscom/dscom-billing.ts';
import { ing800SettingsSchema } from './800ing/800ing-info.ts';
import { vcallInfoDef, vcallSettingsSchema } from './vcall/vcall-info.ts';
import { localizeInfo, type ProviderInfoDef } from './info-text.ts';
import type { ProviderInfo } from './provider.ts';

beforeEach(() => useLocale('en'));
afterEach(() => useLocale('zh_CN'));

/** Every text a page or the engine shows from a provider's info. */
function infoTexts(info: ProviderInfo<any>, settingsVariants: readonly unknown[]): string[] {
  const capabilities = [info.capabilities, ...settingsVariants.map((s) => info.capabilitiesFor?.(s as never)).filter((c) => c !== undefined)];
  return [
    info.name,
    info.description,
    ...capabilities.flatMap((c) => [
      ...c.agentStates.map((s) => s.label),
      ...c.extraActions.flatMap((a) => [a.label, a.input?.label, a.input?.placeholder]),
    ]),
    ...info.settingsFields.flatMap((f) => [f.label, f.help, f.placeholder, ...(f.options ?? []).map((o) => o.label)]),
  ].filter((text): text is string => text !== undefined);
}

const PROVIDERS: [string, ProviderInfoDef<any>, unknown[]][] = [
  ['cmcc-softbar', cmccSoftbarInfoDef, []],
  ['dscom', dscomInfoDef, [{ ...dscomInfoDef.defaultSettings, supervisor: true, wrapUpSeconds: 30 }]],
  ['800ing', ing800InfoDef, [{ ...ing800InfoDef.defaultSettings, mode: 'cloud' }, { ...ing800InfoDef.defaultSettings, mode: 'desktop' }]],
  ['vcall', vcallInfoDef, [{ ...vcallInfoDef.defaultSettings, loginType: '3' }, { ...vcallInfoDef.defaultSettings, mode: 'openCall' }]],
];

describe('provider info in English', () => {
  it.each(PROVIDERS)('%s: every label, state, action, hint and placeholder', (_, def, variants) => {
    const texts = infoTexts(localizeInfo(def), variants);
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) {
      expect(text, text).not.toMatch(CJK);
      expect(text, 'a message key, not text').not.toMatch(/^[a-z]+[A-Z]\w+$/);
    }
  });

  it('the same info reads in Chinese in zh_CN', () => {
    useLocale('zh_CN');
    expect(localizeInfo(dscomInfoDef).settingsFields.find((f) => f.key === 'clientSecret')?.label).toBe('客户端密钥');
    expect(localizeInfo(ing800InfoDef).settingsFields.find((f) => f.key === 'account')?.label).toBe('帐号');
  });

  it('labels say Client secret and Account (no internal names)', () => {
    expect(localizeInfo(dscomInfoDef).settingsFields.find((f) => f.key === 'clientSecret')?.label).toBe('Client secret');
    const account = localizeInfo(ing800InfoDef).settingsFields.find((f) => f.key === 'account');
    expect(account?.label).toBe('Account');
    expect(account?.help).not.toContain('sa_user');
  });

  it.each<[string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }]>([
    ['cmcc-softbar', softbarSettingsSchema],
    ['dscom', dscomSettingsSchema],
    ['800ing', ing800SettingsSchema],
    ['vcall', vcallSettingsSchema],
  ])('%s: settings refusals', (_, schema) => {
    for (const input of [{}, { baseUrl: 'x', server: 'x', extension: 'x', clientId: 'x', account: ' ', mode: 'x', wrapUpSeconds: -1 }]) {
      const result = schema.safeParse(input);
      expect(result.success).toBe(false);
      for (const issue of result.error!.issues) expect(issue.message, issue.message).not.toMatch(CJK);
    }
  });
});

describe('vendor code tables in English', () => {
  it('dscom: every code of the document has English text, also when the server repeats its own words', () => {
    expect(Object.keys(DSCOM_ERROR_TEXT).sort()).toEqual(Object.keys(DSCOM_ERROR_CODES).sort());
    for (const [code, verbatim] of Object.entries(DSCOM_ERROR_CODES)) {
      expect(t(DSCOM_ERROR_TEXT[code]!)).not.toMatch(CJK);
      for (const action of [t('actionDial'), t('dscomOpSignIn', '200')]) {
        const message = dscomVendorError(code, verbatim, action);
        expect(message, message).not.toMatch(CJK);
        expect(message).toContain(`(error code ${code})`);
      }
    }
  });

  it('800ing: every code of the document has an English meaning, term and advice', () => {
    for (const [code, verbatim] of Object.entries(ING800_ERROR_CODES)) {
      const { meaning, advice } = ING800_ERROR_TEXT[code]!;
      for (const key of [meaning, advice, ING800_ERROR_TERMS[code]!]) expect(t(key)).not.toMatch(CJK);
      for (const action of ['actionDial', 'actionHangup', 'actionAnswer', 'actionLogin', 'ing800ActionClientTransfer'] as const) {
        const message = ing800VendorError(code, verbatim, t(action));
        expect(message, message).not.toMatch(CJK);
      }
    }
  });

  it('the action-specific advice is found in English too', () => {
    expect(ing800VendorError('-11', '', t('actionHangup'))).toBe('Hang up failed: The data does not exist (Data does not exist, error code -11). The call may already have ended');
  });

  it('unknown codes: a translated text with the code', () => {
    expect(dscomVendorError('620001', '', t('actionDial'))).toBe('Call failed: Unknown error (error code 620001)');
    expect(ing800VendorError('-99', '', t('actionDial'))).toBe('Call failed: Unknown error (error code -99)');
  });

  it('a vendor’s own words stay as they came, after our text', () => {
    const message = dscomVendorError('600001', '分机 8001 未注册', t('actionDial'));
    expect(message).toBe('Call failed: Call error: 分机 8001 未注册 (error code 600001). Check that the phone is registered and idle');
    expect(message.replace('分机 8001 未注册', '')).not.toMatch(CJK);
  });

  it('dscom dispositions', () => {
    for (const key of Object.values(DISPOSITION_RESULTS)) expect(t(key)).not.toMatch(CJK);
  });
});

describe('provider errors and results produced in English', () => {
  const host = '192.168.1.200:8443';

  it('HTTP statuses', () => {
    for (const status of [401, 403, 404, 405, 418, 419, 422, 429, 500, 502]) {
      for (const message of [
        dscomHttpError(status, t('actionDial'), host, 'Server Error'),
        ing800HttpError(status, t('actionDial'), ing800Server('voip.800ing.com:8080')),
        ing800HttpError(status, t('ing800ActionClientDial'), clientName(10800)),
      ]) {
        expect(message, message).not.toMatch(CJK);
        expect(message, message).not.toMatch(/ {2}|\)[a-z]/);
      }
    }
    expect(ing800HttpError(500, t('ing800ActionClientDial'), clientName(10800))).toBe('Internal error on 800ing client (127.0.0.1:10800) (HTTP 500); try again later');
  });

  it('logins, banners and hints', () => {
    for (const error of ['invalid_grant', 'invalid_client', 'invalid_scope', 'unsupported_grant_type', 'access_denied', 'server_error']) {
      expect(oauthReason(error, '', 400)).not.toMatch(CJK);
    }
    for (const text of [authLostMessage(oauthReason('invalid_grant', '', 400)), authLostHint(), clientNotRunningMessage(10800), clientNotRunningHint(), reconnectHint(1), reconnectHint(99)]) {
      expect(text, text).not.toMatch(CJK);
    }
  });

  it('dscom call records: the result in English, the number as the platform gave it', () => {
    const [record] = mapBillingRows(
      [{ src: '8001', dst: '13800138000', channel: 'PJSIP/8001-0001', disposition: 'BUSY', linkedid: 'a1', start: '2026-12-03 10:00:00', end: '2026-12-03 10:00:10' }],
      '8001',
    );
    expect(record?.result).toBe('Busy');
    expect(record?.number).toBe('13800138000');
  });
});
