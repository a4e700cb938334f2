import type { ReactElement } from 'react';
import { usePolicy } from './PolicyProvider.js';

/**
 * Across the app while the team policy keeps the profile read-only (expired offline, or none
 * received yet), with the core's reason and the way out: Settings → Team server → Refresh policy.
 */
export function ReadOnlyBanner(): ReactElement | null {
  const reason = usePolicy().policy?.readOnlyReason ?? null;
  if (reason === null) return null;
  return (
    <div className="read-only-banner" role="status" data-testid="read-only-banner">
      <strong>Read-only.</strong> <span data-testid="read-only-reason">{reason}</span>{' '}
      <a href="#/settings">Refresh the team policy in Settings</a>
    </div>
  );
}
