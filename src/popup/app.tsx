/**
 * The popup: log in to a provider, switch agent state, see and control the call,
 * and the page tools (pick a column, insert by selector, clear). It draws only
 * what the active provider declares in its capabilities.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { CallbarError } from '../shared/errors.ts';
import { agentStateLabel, CALL_STATE_LABELS, callTimer, stateLight } from '../shared/format.ts';
import { isProviderId, type ProviderId } from '../shared/ids.ts';
import type { SimpleCallAction } from '../shared/messages.ts';
import { send, sendToTab } from '../shared/messaging.ts';
import type { PublicState } from '../shared/session-state.ts';
import { useSession } from './use-session.ts';

const message = (e: unknown) => (e instanceof CallbarError ? e.message : String(e));

export function App() {
  const state = useSession();
  if (!state) return <main class="loading">正在连接 CallBar…</main>;
  return (
    <main>
      <header>
        <span class={`light ${stateLight(state)}`} />
        <h1>CallBar 坐席电话条</h1>
        <span class="muted" data-testid="popup-status">
          {agentStateLabel(state)}
        </span>
      </header>
      {state.problem && (
        <div class="banner error" role="alert" data-testid="popup-problem">
          <b>{state.problem.message}</b>
          {state.problem.hint && <div>{state.problem.hint}</div>}
        </div>
      )}
      {state.status === 'loggedIn' ? <Session state={state} /> : <LoginForm state={state} />}
      <PageTools />
    </main>
  );
}

function LoginForm({ state }: { state: PublicState }) {
  const [providerId, setProviderId] = useState<ProviderId>(state.providerId ?? 'cmcc-softbar');
  const info = PROVIDER_CATALOG[providerId];
  const [values, setValues] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void send('settings/get', { providerId }).then(({ settings }) => {
      if (cancelled) return;
      const defaults = info.defaultSettings as Record<string, unknown>;
      const saved = (settings ?? {}) as Record<string, unknown>;
      const merged: Record<string, string> = {};
      for (const field of info.settingsFields) merged[field.key] = String(saved[field.key] ?? defaults[field.key] ?? '');
      setValues(merged);
      setFieldErrors({});
    });
    return () => {
      cancelled = true;
    };
  }, [providerId]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const parsed = info.settingsSchema.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      await send('session/login', { providerId, settings: values });
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} data-testid="login-form" noValidate>
      <label>
        平台
        <select
          data-testid="provider-select"
          value={providerId}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            if (isProviderId(v)) setProviderId(v);
          }}
        >
          {Object.values(PROVIDER_CATALOG).map((p) => (
            <option value={p.id} key={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <p class="muted small">{info.description}</p>
      {info.settingsFields.map((field) => (
        <label key={field.key}>
          {field.label}
          <input
            name={field.key}
            data-testid={`setting-${field.key}`}
            {...(field.type === 'password' ? { type: 'password' as const } : { type: 'text' as const, inputMode: field.type === 'number' ? 'numeric' : 'text' })}
            placeholder={field.placeholder}
            value={values[field.key] ?? ''}
            aria-invalid={fieldErrors[field.key] ? 'true' : undefined}
            onInput={(e) => setValues({ ...values, [field.key]: (e.target as HTMLInputElement).value })}
          />
          {fieldErrors[field.key] ? (
            <span class="field-error" data-testid={`error-${field.key}`}>
              {fieldErrors[field.key]}
            </span>
          ) : (
            field.help && <span class="muted small">{field.help}</span>
          )}
        </label>
      ))}
      {error && (
        <div class="banner error" role="alert" data-testid="login-error">
          {error}
        </div>
      )}
      <button class="primary" type="submit" disabled={busy} data-testid="login">
        {busy ? '正在登录…' : '登录'}
      </button>
    </form>
  );
}

function Session({ state }: { state: PublicState }) {
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const caps = state.capabilities;
  const call = state.call;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(message(e));
    }
  };
  const act = (a: SimpleCallAction) => () => run(() => send('call/action', { action: a }));
  const active = call && call.state !== 'ended';

  return (
    <>
      <section class="card">
        <div class="row">
          <div>
            <div class="strong" data-testid="popup-agent">
              {state.agent?.name} · {state.agent?.extension}
            </div>
            <div class="muted small">{state.providerName}</div>
          </div>
          <button data-testid="logout" onClick={() => run(() => send('session/logout', {}))}>
            退出登录
          </button>
        </div>
        {caps && caps.agentStates.length > 0 && (
          <div class="segmented" role="radiogroup" aria-label="坐席状态">
            {caps.agentStates.map((s) => (
              <button
                key={s.id}
                role="radio"
                aria-checked={state.agentState === s.id}
                class={state.agentState === s.id ? 'on' : ''}
                data-testid={`agent-state-${s.id}`}
                onClick={() => run(() => send('agent/set-state', { stateId: s.id }))}
              >
                {s.label}
              </button>
            ))}
          </div>
        )}
      </section>
      <section class="card" data-testid="popup-call">
        {call ? (
          <>
            <div class="row">
              <span class="number" data-testid="popup-call-number">
                {call.number}
              </span>
              <span class="muted">{callTimer(call, now)}</span>
            </div>
            <div class="small" data-testid="popup-call-state" data-state={call.state}>
              {call.direction === 'inbound' ? '呼入' : '呼出'} · {CALL_STATE_LABELS[call.state]}
              {call.cause ? ` · ${call.cause}` : ''}
              {call.muted ? ' · 已静音' : ''}
            </div>
            <div class="actions">
              {caps?.answer && call.state === 'incoming' && (
                <button class="ok" data-testid="popup-answer" onClick={act('answer')}>
                  接听
                </button>
              )}
              {caps?.mute && call.state === 'connected' && (
                <button onClick={act(call.muted ? 'unmute' : 'mute')}>{call.muted ? '取消静音' : '静音'}</button>
              )}
              {caps?.hangup && active && (
                <button class="danger" data-testid="popup-hangup" onClick={act('hangup')}>
                  {call.state === 'incoming' ? '拒接' : '挂断'}
                </button>
              )}
              {caps?.extraActions
                .filter((a) => a.when.includes(call.state))
                .map((a) => (
                  <button key={a.id} data-testid={`popup-extra-${a.id}`} onClick={() => run(() => send('call/extra', { actionId: a.id }))}>
                    {a.label}
                  </button>
                ))}
              {!active && <button onClick={() => run(() => send('call/dismiss', {}))}>关闭</button>}
            </div>
            {caps?.transfer && call.state === 'connected' && (
              <NumberForm label="转接" placeholder="转接到号码" testid="transfer" onSubmit={(n) => run(() => send('call/transfer', { target: n }))} />
            )}
          </>
        ) : (
          <NumberForm
            label="外呼"
            placeholder="输入号码外呼"
            testid="dial"
            primary
            disabled={!caps?.dial || state.dialing}
            onSubmit={(n) => run(() => send('call/dial', { number: n }))}
          />
        )}
      </section>
      {error && (
        <div class="banner error" role="alert" data-testid="popup-error">
          {error}
        </div>
      )}
    </>
  );
}

/** A number field with one button: dial, transfer. */
function NumberForm(props: { label: string; placeholder: string; testid: string; primary?: boolean; disabled?: boolean; onSubmit: (n: string) => void }) {
  const [number, setNumber] = useState('');
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (number.trim()) props.onSubmit(number.trim());
      }}
    >
      <input data-testid={`${props.testid}-input`} placeholder={props.placeholder} value={number} onInput={(e) => setNumber((e.target as HTMLInputElement).value)} />
      <button class={props.primary ? 'primary' : ''} type="submit" disabled={props.disabled} data-testid={props.testid}>
        {props.label}
      </button>
    </form>
  );
}

/** The tab the page tools act on: `?tab=<id>` when the popup runs in a tab of its own, else the active tab. */
async function targetTabId(): Promise<number> {
  const fromQuery = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab?.id) throw new CallbarError('unsupported', '没有可操作的页面');
  return tab.id;
}

function PageTools() {
  const [selector, setSelector] = useState('');
  const [info, setInfo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: (tabId: number) => Promise<string>) => {
    setError(null);
    setInfo(null);
    try {
      setInfo(await action(await targetTabId()));
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <section class="card" data-testid="page-tools">
      <div class="strong">本页拨号按钮</div>
      <div class="actions">
        <button
          data-testid="start-picker"
          onClick={() =>
            run(async (tab) => {
              await sendToTab(tab, 'page/start-picker', {});
              if (!new URLSearchParams(location.search).get('tab')) window.close();
              return '请在页面上点击号码列中的任意单元格';
            })
          }
        >
          选择号码列
        </button>
        <button data-testid="clear-rules" onClick={() => run(async (tab) => `已清除 ${(await sendToTab(tab, 'page/clear', {})).removed} 个拨号按钮`)}>
          清除所有
        </button>
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async (tab) => `选择器匹配 ${(await sendToTab(tab, 'page/add-selector', { selector })).matched} 个元素，已放置拨号按钮`);
        }}
      >
        <input data-testid="selector-input" placeholder="根据路径插入：CSS 选择器，如 td.phone" value={selector} onInput={(e) => setSelector((e.target as HTMLInputElement).value)} />
        <button type="submit" data-testid="add-selector">
          插入
        </button>
      </form>
      {info && (
        <div class="small ok-text" data-testid="page-tools-info">
          {info}
        </div>
      )}
      {error && (
        <div class="banner error" role="alert" data-testid="page-tools-error">
          {error}
        </div>
      )}
    </section>
  );
}
