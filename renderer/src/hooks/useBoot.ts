import { useCallback, useEffect, useState } from 'react';
import type { AppState } from '../../../common/domain/profile.js';
import type { AppErrorShape } from '../../../common/errors.js';
import { call } from '../api/call.js';

export type Boot =
  | { status: 'loading' }
  /** app.state itself failed: the core is down or the bridge is missing. */
  | { status: 'unreachable'; error: AppErrorShape }
  | { status: 'loaded'; state: AppState };

export type BootControls = {
  boot: Boot;
  /** Asks the core again from scratch (used by the boot error screen). */
  retry: () => void;
  /** Screens that already hold a fresh AppState (create, unlock, recover) hand it over here. */
  show: (state: AppState) => void;
};

export function useBoot(): BootControls {
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // A retry can race a slow earlier answer; only the latest attempt may update the screen.
    let current = true;
    void call('app.state', {}).then((result) => {
      if (!current) return;
      setBoot(result.ok ? { status: 'loaded', state: result.value } : { status: 'unreachable', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setBoot({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const show = useCallback((state: AppState) => {
    setBoot({ status: 'loaded', state });
  }, []);

  return { boot, retry, show };
}
