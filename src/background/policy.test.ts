import { describe, expect, it } from 'vitest';
import { CallbarError } from '../shared/errors.ts';
import type { ProviderId } from '../shared/ids.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan } from '../shared/phone/dial-plan.ts';
import { createPolicyStore } from './policy.ts';

const ID: ProviderId = 'cmcc-softbar';

/** A saved-settings store holding `saved.settings` for one provider (`saved.owner`, default the softphone bar). */
function setup(managed: unknown, saved: { settings?: unknown; owner?: ProviderId; plan?: Partial<DialPlan>; last?: ProviderId | null; secretsFor?: string[] | null } = {}) {
  const owner = saved.owner ?? ID;
  const db = {
    settings: saved.settings,
    plan: { ...DEFAULT_DIAL_PLAN, ...saved.plan } as DialPlan,
    last: saved.last ?? null,
    secretsFor: saved.secretsFor ?? null,
    dropped: [] as string[][],
  };
  const store = createPolicyStore(
    {
      loadSettings: async (id) => (id === owner ? structuredClone(db.settings) : undefined),
      storeSettings: async (_id, settings) => void (db.settings = structuredClone(settings)),
      secretsServers: async (id) => (id === owner ? db.secretsFor : null),
      setSecretsServers: async (_id, servers) => void (db.secretsFor = [...servers]),
      dropSecrets: async (_id, keys) => {
        db.dropped.push([...keys]);
        const kept = { ...(db.settings as Record<string, unknown>) };
        for (const key of keys) delete kept[key];
        db.settings = kept;
      },
      lastProviderId: async () => db.last,
      setLastProviderId: async (id) => void (db.last = id),
      loadDialPlan: async () => ({ ...db.plan }),
      saveDialPlan: async (_id, plan) => void (db.plan = { ...plan }),
    },
    async () => managed,
  );
  const inForce: DialPlan[] = [];
  // The engine keeps the plan in force and saves through the store, as index.ts wires it.
  const engine = { setDialPlan: async (id: ProviderId, plan: DialPlan) => (inForce.push(plan), store.saveDialPlan(id, plan)) };
  return { db, store, engine, inForce };
}

const POLICY = { providers: { [ID]: { baseUrl: 'http://127.0.0.1:9000/' } }, dialPlans: { [ID]: { outsideLinePrefix: '0' } } };
const LOCAL = { baseUrl: 'http://127.0.0.1:8008', extension: '8001' };

describe('policy store', () => {
  it('without a policy it is the saved settings, unchanged', async () => {
    const { store, db } = setup({}, { settings: LOCAL, last: ID });
    expect(await store.loadSettings(ID)).toEqual(LOCAL);
    expect(await store.lastProviderId()).toBe(ID);
    await store.saveSettings(ID, { ...LOCAL, extension: '8002' });
    expect(db.settings).toEqual({ ...LOCAL, extension: '8002' });
  });

  it('pushed values win over saved ones, and never get saved over them', async () => {
    const { store, db } = setup(POLICY, { settings: LOCAL });
    expect(await store.loadSettings(ID)).toEqual({ baseUrl: 'http://127.0.0.1:9000', extension: '8001' });
    expect(await store.loadDialPlan(ID)).toEqual({ ...DEFAULT_DIAL_PLAN, outsideLinePrefix: '0' });
    await store.saveSettings(ID, { baseUrl: 'http://127.0.0.1:9000', extension: '8002' });
    expect(db.settings).toEqual({ baseUrl: 'http://127.0.0.1:8008', extension: '8002' });
    expect(db.last).toBe(ID);
  });

  it('an invalid or unreadable policy counts as none', async () => {
    expect(await setup({ providers: { [ID]: { baseUrl: 'http://10.0.0.1:1' } } }, { settings: LOCAL }).store.loadSettings(ID)).toEqual(LOCAL);
    const failing = createPolicyStore(
      {
        ...setup({}).store,
        storeSettings: async () => undefined,
        setLastProviderId: async () => undefined,
        loadSettings: async () => LOCAL,
        secretsServers: async () => null,
        setSecretsServers: async () => undefined,
        dropSecrets: async () => undefined,
      },
      async () => {
        throw new Error('Managed storage is not available');
      },
    );
    expect(await failing.loadSettings(ID)).toEqual(LOCAL);
  });

  it('a login uses the locked values, whatever was typed', async () => {
    const { store } = setup(POLICY, { settings: LOCAL });
    expect(await store.loginSettings(ID, { baseUrl: 'http://127.0.0.1:1234', extension: '8003' })).toEqual({ baseUrl: 'http://127.0.0.1:9000', extension: '8003' });
    const all = setup({ lockAll: true }, { settings: LOCAL });
    expect(await all.store.loginSettings(ID, { baseUrl: 'http://127.0.0.1:1234', extension: '8003' })).toEqual(LOCAL);
  });

  it('settings/save merges field by field and keeps the last-used provider', async () => {
    const { store, db, engine } = setup({}, { settings: LOCAL, last: null });
    await store.saveChanges({ providers: { [ID]: { baseUrl: 'http://127.0.0.1:8010' } } }, engine);
    expect(db.settings).toEqual({ baseUrl: 'http://127.0.0.1:8010', extension: '8001' });
    expect(db.last).toBeNull();
    await store.saveChanges({ activeProvider: ID }, engine);
    expect(db.last).toBe(ID);
  });

  it('settings/save refuses to change a locked value and writes nothing', async () => {
    const { store, db, engine } = setup(POLICY, { settings: LOCAL });
    const attempt = store.saveChanges({ providers: { [ID]: { extension: '8009', baseUrl: 'http://127.0.0.1:8008' } } }, engine);
    await expect(attempt).rejects.toThrow(new CallbarError('forbidden', '“电话条地址”由管理员设置，不能修改（providers.cmcc-softbar.baseUrl）'));
    await expect(store.saveChanges({ dialPlans: { [ID]: DEFAULT_DIAL_PLAN } }, engine)).rejects.toThrow('“外线前缀”由管理员设置，不能修改');
    expect(db.settings).toEqual(LOCAL);
  });

  it('settings/save accepts locked values sent as they are in force, without storing them', async () => {
    const { store, db, engine, inForce } = setup(POLICY, { settings: LOCAL });
    await store.saveChanges(
      { providers: { [ID]: { baseUrl: 'http://127.0.0.1:9000', extension: '8009' } }, dialPlans: { [ID]: { outsideLinePrefix: '0', internationalPrefix: '+', extension: 'dtmf' } } },
      engine,
    );
    expect(db.settings).toEqual({ baseUrl: 'http://127.0.0.1:8008', extension: '8009' });
    expect(inForce).toEqual([{ outsideLinePrefix: '0', internationalPrefix: '+', extension: 'dtmf' }]);
    expect(db.plan).toEqual({ outsideLinePrefix: '', internationalPrefix: '+', extension: 'dtmf' });
  });

  it('with lockAll nothing changes, and a provider other than the required one is refused', async () => {
    const { store, engine } = setup({ lockAll: true, activeProvider: ID }, { settings: LOCAL });
    await expect(store.saveChanges({ providers: { [ID]: { extension: '8009' } } }, engine)).rejects.toThrow('“800 号码”由管理员设置');
    await expect(store.saveChanges({ providers: { [ID]: { extension: '8001' } } }, engine)).resolves.toBeUndefined();
  });

  describe('secrets belong to the servers they were saved for (docs/security.md)', () => {
    const DSCOM: ProviderId = 'dscom';
    const SAVED = { baseUrl: 'https://pbx.example.com', billingUrl: '', clientId: '4', clientSecret: 'team-secret', username: 'api', password: 'pw', extension: '8001' };

    it('a settings change that moves the server drops the saved password and client secret', async () => {
      const { store, db, engine } = setup({}, { settings: SAVED, owner: DSCOM, secretsFor: ['https://pbx.example.com'] });
      await store.saveChanges({ providers: { [DSCOM]: { baseUrl: 'https://evil.example' } } }, engine);
      expect(db.settings).toEqual({ baseUrl: 'https://evil.example', billingUrl: '', clientId: '4', username: 'api', extension: '8001' });
      expect(db.secretsFor).toEqual(['https://evil.example']);
      expect(await store.loadSettings(DSCOM)).not.toHaveProperty('password');
    });

    it('a change that brings its own secret for the new server keeps that one', async () => {
      const { store, db, engine } = setup({}, { settings: SAVED, owner: DSCOM, secretsFor: ['https://pbx.example.com'] });
      await store.saveChanges({ providers: { [DSCOM]: { baseUrl: 'https://pbx2.example.com', clientSecret: 'new-secret' } } }, engine);
      expect(db.settings).toMatchObject({ baseUrl: 'https://pbx2.example.com', clientSecret: 'new-secret' });
      expect(db.settings).not.toHaveProperty('password');
    });

    it('other changes keep the secrets', async () => {
      const { store, db, engine } = setup({}, { settings: SAVED, owner: DSCOM, secretsFor: ['https://pbx.example.com'] });
      await store.saveChanges({ providers: { [DSCOM]: { extension: '8002' } } }, engine);
      expect(db.settings).toMatchObject({ password: 'pw', clientSecret: 'team-secret', extension: '8002' });
    });

    it('a policy that moves the server: the secrets saved for the old one are dropped when read', async () => {
      const { store, db } = setup({ providers: { [DSCOM]: { baseUrl: 'https://other.example.com' } } }, { settings: SAVED, owner: DSCOM, secretsFor: ['https://pbx.example.com'] });
      const inForce = (await store.loadSettings(DSCOM)) as Record<string, unknown>;
      expect(inForce.baseUrl).toBe('https://other.example.com');
      expect(inForce).not.toHaveProperty('password');
      expect(inForce).not.toHaveProperty('clientSecret');
      expect(db.dropped).toEqual([['clientSecret', 'password']]);
    });

    it('a login under a policy binds the secrets to the pushed server (they stay)', async () => {
      const { store, db } = setup({ providers: { [DSCOM]: { baseUrl: 'https://other.example.com' } } }, { settings: { ...SAVED, password: undefined }, owner: DSCOM });
      await store.saveSettings(DSCOM, { ...SAVED, baseUrl: 'https://other.example.com', password: 'pw2' });
      expect(db.secretsFor).toEqual(['https://other.example.com']);
      expect(await store.loadSettings(DSCOM)).toMatchObject({ baseUrl: 'https://other.example.com', password: 'pw2' });
    });
  });
});
