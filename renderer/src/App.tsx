import type { ReactElement } from 'react';
import type { AppState, ProfileInfo } from '../../common/domain/profile.js';
import { AppFrame } from './frame/AppFrame.js';
import { useBoot } from './hooks/useBoot.js';
import { BootErrorScreen } from './screens/BootErrorScreen.js';
import { LoadingScreen } from './screens/LoadingScreen.js';
import { LockScreen } from './screens/LockScreen.js';
import { OnboardingScreen } from './screens/OnboardingScreen.js';

/** Boot: ask the core where the app stands, then show onboarding, the lock screen or the app. */
export function App(): ReactElement {
  const { boot, retry, show } = useBoot();
  switch (boot.status) {
    case 'loading':
      return <LoadingScreen />;
    case 'unreachable':
      return <BootErrorScreen error={boot.error} onRetry={retry} />;
    case 'loaded':
      return <Phase state={boot.state} show={show} />;
  }
}

function Phase({ state, show }: { state: AppState; show: (state: AppState) => void }): ReactElement {
  const ready = (profile: ProfileInfo): void => show({ phase: 'ready', profile });
  switch (state.phase) {
    case 'onboarding':
      return <OnboardingScreen onReady={ready} />;
    case 'locked':
      return <LockScreen state={state} onState={show} onRecovered={ready} />;
    case 'ready':
      return <AppFrame profile={state.profile} />;
  }
}
