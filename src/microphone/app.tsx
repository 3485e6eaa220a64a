/**
 * The microphone page: an ordinary extension page in a tab, because the offscreen document that
 * runs the phone cannot show Chrome's permission prompt (and the popup closes when a prompt
 * opens). It calls getUserMedia once — on load, and again on 「允许使用麦克风」 when the first try
 * needs a click — stops the tracks at once (only the origin's grant was wanted; the phone opens the
 * device itself for a call) and says in words what came of it. Opened from the popup, it closes
 * itself a few seconds after the grant. Not web-accessible: no web page can frame or open it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { t } from '../shared/i18n.ts';
import { type MicPermission, micResult, type MicResult } from './mic-state.ts';
import { CopyableAddress } from './notice.tsx';
import { type MicPageOpener, micPermissionStatus, openMicSettings, useMicPermission } from './permission.ts';

const OPENERS: readonly MicPageOpener[] = ['popup', 'options'];
const from = new URLSearchParams(location.search).get('from');
const opener: MicPageOpener | null = OPENERS.find((o) => o === from) ?? null;

/** Long enough to read 已允许, short enough that the agent is back in the CRM before reaching for the mouse. */
export const CLOSE_AFTER_SECONDS = 4;

type Phase = { kind: 'asking' } | { kind: 'done'; result: MicResult; detail: string };

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'asking' });
  const asking = useRef(false);

  const ask = async () => {
    if (asking.current) return;
    asking.current = true;
    setPhase({ kind: 'asking' });
    let errorName: string | null = null;
    let detail = '';
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      errorName = (error as DOMException)?.name || 'Error';
      detail = (error as DOMException)?.message ? `${errorName}: ${(error as DOMException).message}` : errorName;
    }
    const status = await micPermissionStatus();
    setPhase({ kind: 'done', result: micResult(errorName, (status?.state as MicPermission | undefined) ?? null), detail });
    asking.current = false;
  };

  useEffect(() => void ask(), []);

  // The agent changed it elsewhere (chrome://settings, the address bar's icon): unblocked or
  // allowed → ask again, which also confirms there is a device; blocked → say so.
  const permission = useMicPermission();
  const seen = useRef<MicPermission | null>(null);
  useEffect(() => {
    const before = seen.current;
    seen.current = permission;
    if (before === null || permission === null || permission === before || asking.current) return;
    if (permission === 'denied') setPhase({ kind: 'done', result: 'denied', detail: '' });
    else if (phase.kind === 'done' && phase.result !== 'granted') void ask();
  }, [permission]);

  const result = phase.kind === 'done' ? phase.result : null;
  return (
    <main class="mic-page" data-testid="microphone" data-result={result ?? 'asking'}>
      <header>
        <h1>{t('micPageHeading')}</h1>
      </header>
      <section class="card">
        <p class="muted">{t('micPageIntro')}</p>
        {phase.kind === 'asking' ? (
          <div class="banner info" role="status" data-testid="mic-result">
            {t('micAsking')}
          </div>
        ) : (
          <Result result={phase.result} detail={phase.detail} onRetry={() => void ask()} />
        )}
      </section>
    </main>
  );
}

function Result({ result, detail, onRetry }: { result: MicResult; detail: string; onRetry(): void }) {
  switch (result) {
    case 'granted':
      return <Granted />;
    case 'denied':
      return <Denied />;
    case 'dismissed':
      return (
        <div class="banner warn" role="alert" data-testid="mic-result">
          <p>{t('micDismissed')}</p>
          <button class="primary" data-testid="mic-allow" onClick={onRetry}>
            {t('micAllow')}
          </button>
        </div>
      );
    default:
      return (
        <div class={`banner ${result === 'failed' ? 'error' : 'warn'}`} role="alert" data-testid="mic-result">
          <p>{result === 'missing' ? t('micMissing') : result === 'busy' ? t('micBusy') : t('micFailed', detail)}</p>
          <button class="primary" data-testid="mic-retry" onClick={onRetry}>
            {t('micRetry')}
          </button>
        </div>
      );
  }
}

function Granted() {
  const closing = opener === 'popup';
  const [left, setLeft] = useState(CLOSE_AFTER_SECONDS);
  useEffect(() => {
    if (!closing) return;
    const timer = setInterval(() => setLeft((n) => Math.max(0, n - 1)), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (closing && left === 0) void closeThisTab();
  }, [left]);
  return (
    <div class="banner ok" role="status" data-testid="mic-result">
      <p class="strong">{opener === 'options' ? t('micGrantedOptions') : t('micGranted')}</p>
      {closing && <p class="small">{t('micClosing', String(left))}</p>}
    </div>
  );
}

/** window.close() may not close a tab the extension opened: remove it through the tabs API. */
async function closeThisTab(): Promise<void> {
  const tab = await browser.tabs.getCurrent().catch(() => undefined);
  if (tab?.id !== undefined) await browser.tabs.remove(tab.id).catch(() => window.close());
  else window.close();
}

function Denied() {
  return (
    <div class="banner error" role="alert" data-testid="mic-result">
      <p class="strong">{t('micDeniedTitle')}</p>
      <p>{t('micDeniedWhy')}</p>
      <p>{t('micUnblockTitle')}</p>
      <ol class="steps">
        <li>
          {t('micUnblockSettings')}
          <div>
            <button class="primary" data-testid="mic-open-settings" onClick={() => void openMicSettings()}>
              {t('micOpenSettings')}
            </button>
          </div>
        </li>
        <li>
          {t('micUnblockAddress')}
          <div>
            <CopyableAddress />
          </div>
        </li>
        <li>{t('micUnblockIcon')}</li>
      </ol>
      <p class="small">{t('micUnblockAfter')}</p>
    </div>
  );
}
