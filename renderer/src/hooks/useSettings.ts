import { useCallback, useEffect, useState } from 'react';
import type { Settings } from '../../../common/domain/profile.js';
import type { AppErrorShape } from '../../../common/errors.js';
import { call } from '../api/call.js';
import { applyTheme, rememberTheme } from '../lib/theme.js';

export type SettingsState =
  { status: 'loading' } | { status: 'error'; error: AppErrorShape } | { status: 'loaded'; settings: Settings };

export type SettingsControls = {
  state: SettingsState;
  reload: () => void;
  /** Called with what settings.update returned, so the frame shows what the core stored. */
  replace: (settings: Settings) => void;
};

/** Loaded once by the app frame: the theme applies on every page, not only in Settings. */
export function useSettings(): SettingsControls {
  const [state, setState] = useState<SettingsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    void call('settings.get', {}).then((result) => {
      if (!current) return;
      setState(result.ok ? { status: 'loaded', settings: result.value } : { status: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [attempt]);

  const theme = state.status === 'loaded' ? state.settings.theme : null;
  useEffect(() => {
    if (theme === null) return;
    applyTheme(theme);
    rememberTheme(theme);
  }, [theme]);

  const reload = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const replace = useCallback((settings: Settings) => {
    setState({ status: 'loaded', settings });
  }, []);

  return { state, reload, replace };
}
