/**
 * The input of an extra action, for the toolbar's and the popup's forms (a Preact hook): which kind of
 * target the agent picked when the input names several (v-call's 坐席 / 外线号码 / 技能组 / IVR), and
 * the platform's choices for it when the action lists them (idle agents, skill groups), fetched when
 * the field opens and again when the kind changes.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from './errors.ts';
import { send } from './messaging.ts';
import type { ExtraAction, InputOption } from './session-state.ts';

export interface ExtraInput {
  kind: string | undefined;
  setKind(kind: string): void;
  /** The action lists choices for the kind picked (an outside number is typed, never listed). */
  listed: boolean;
  /** The platform's choices (empty while loading, when none, or when the action lists none). */
  options: readonly InputOption[];
  loading: boolean;
  /** Why the choices could not be listed (the field still takes a typed value). */
  optionsError: string | null;
  placeholder: string;
}

export function useExtraInput(action: ExtraAction | null): ExtraInput {
  const input = action?.input;
  const firstKind = input?.kinds?.[0]?.id;
  const [kind, setKind] = useState<string | undefined>(firstKind);
  const [options, setOptions] = useState<readonly InputOption[]>([]);
  const [loading, setLoading] = useState(false);
  const [optionsError, setOptionsError] = useState<string | null>(null);
  // Another action opened: start from its first kind.
  useEffect(() => setKind(firstKind), [action?.id, firstKind]);
  const kindInfo = input?.kinds?.find((k) => k.id === kind);
  const listed = !!input?.options && kindInfo?.options !== false;
  useEffect(() => {
    setOptions([]);
    setOptionsError(null);
    if (!action || !listed) return;
    let current = true;
    setLoading(true);
    send('call/extra-options', { actionId: action.id, ...(kind ? { kind } : {}) })
      .then((list) => current && setOptions(list))
      .catch((error: unknown) => current && setOptionsError(errorMessage(error)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [action?.id, kind, listed]);
  return { kind, setKind, listed, options, loading, optionsError, placeholder: kindInfo?.placeholder ?? input?.placeholder ?? kindInfo?.label ?? input?.label ?? '' };
}
