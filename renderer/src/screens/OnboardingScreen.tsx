import { useState, type ReactElement } from 'react';
import type { ProfileInfo } from '../../../common/domain/profile.js';
import { CenteredLayout } from '../components/CenteredLayout.js';
import { RecoveryKeyReveal } from '../components/RecoveryKeyReveal.js';
import { CreateProfileForm, type Created } from './CreateProfileForm.js';

/** Create the profile, then show its recovery key once before the app opens. */
export function OnboardingScreen({ onReady }: { onReady: (profile: ProfileInfo) => void }): ReactElement {
  const [created, setCreated] = useState<Created | null>(null);

  if (!created) {
    return (
      <CenteredLayout testId="onboarding">
        <CreateProfileForm onCreated={setCreated} />
      </CenteredLayout>
    );
  }

  const finish = (): void => {
    // Drop the key from React state before leaving; the screen unmounts right after.
    const { profile } = created;
    setCreated(null);
    onReady(profile);
  };

  return (
    <CenteredLayout testId="onboarding-recovery">
      <p className="eyebrow">Step 2 of 2</p>
      <RecoveryKeyReveal recoveryKey={created.recoveryKey} onContinue={finish} headingLevel={1} />
    </CenteredLayout>
  );
}
