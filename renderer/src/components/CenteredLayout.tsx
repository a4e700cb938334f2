import type { ReactElement, ReactNode } from 'react';
import { Logo } from '../../../ui/Logo.js';

/** The frame for screens shown before the app opens: onboarding, lock, loading, boot errors. */
export function CenteredLayout({
  children,
  testId,
  wide = false,
}: {
  children: ReactNode;
  testId?: string;
  wide?: boolean;
}): ReactElement {
  return (
    <main className="centered" data-testid={testId}>
      <div className={wide ? 'centered-column centered-column-wide' : 'centered-column'}>
        <div className="centered-brand">
          <Logo size={32} withName />
        </div>
        <div className="card centered-card">{children}</div>
      </div>
    </main>
  );
}
