/**
 * A supervisor's live list of the group's agents (班组监控, PublicState.team): each agent's state in
 * the platform's words with the time in it, the other party while in a call. Choosing an agent opens
 * the member actions the provider declares (强制示闲, 监听 … : extra actions whose input is a team
 * member), so a forced action always takes two deliberate clicks.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../shared/errors.ts';
import { formatDuration, shownNumber } from '../shared/format.ts';
import { t } from '../shared/i18n.ts';
import { send } from '../shared/messaging.ts';
import type { PublicState, TeamMember } from '../shared/session-state.ts';

export function TeamCard({ state }: { state: PublicState }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const team = state.team;
  if (!team) return null;
  const callState = state.call?.state ?? 'idle';
  const actions = state.capabilities?.extraActions.filter((a) => a.input?.member && a.when.includes(callState)) ?? [];
  const run = async (actionId: string, label: string, member: TeamMember) => {
    setMessage(null);
    try {
      await send('call/extra', { actionId, input: member.id });
      setMessage({ text: t('teamActionSent', label, member.name || member.id), error: false });
      setChosen(null);
    } catch (error) {
      setMessage({ text: errorMessage(error), error: true });
    }
  };
  return (
    <section class="card team" data-testid="popup-team">
      <div class="row">
        <span class="strong">{t('teamTitle', String(team.members.length))}</span>
        <span class="small muted">{ago(now, team.at)}</span>
      </div>
      {team.members.length === 0 && <p class="small muted">{t('teamEmpty')}</p>}
      <ul>
        {team.members.map((m) => (
          <li key={m.id} class={chosen === m.id ? 'chosen' : undefined} data-testid="team-member" data-member={m.id} data-kind={m.kind}>
            <button type="button" class="member" aria-expanded={chosen === m.id} disabled={!actions.length} onClick={() => setChosen(chosen === m.id ? null : m.id)}>
              <span class="who">
                {m.name || m.id}
                {m.name && <span class="small muted"> {m.id}</span>}
              </span>
              <span class={`state ${m.kind}`} data-testid="team-member-state">
                {m.state}
                {m.since !== undefined && <span class="small"> {formatDuration(Math.max(0, Math.round((now - m.since) / 1000)))}</span>}
              </span>
              {m.otherParty && <span class="small muted party">{shownNumber(m.otherParty, state)}</span>}
            </button>
            {chosen === m.id && (
              <div class="actions" data-testid="team-member-actions">
                {actions.map((a) => (
                  <button key={a.id} type="button" data-testid={`team-action-${a.id}`} onClick={() => void run(a.id, a.label, m)}>
                    {a.label}
                  </button>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
      {message && (
        <div class={message.error ? 'banner error' : 'small ok-text'} role={message.error ? 'alert' : 'status'} data-testid="team-message">
          {message.text}
        </div>
      )}
    </section>
  );
}

/** How fresh the list is: 刚刚更新 within 10 s (it is asked for every 5 s), then how long ago. */
function ago(now: number, at: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  return seconds < 10 ? t('teamUpdatedNow') : t('teamUpdated', formatDuration(seconds));
}
