import type { ReactElement, ReactNode } from 'react';
import { Logo } from '../../../../ui/Logo.js';

/** The frame of the screens before the admin pages: the brand above one card. */
export function CenteredScreen({ children, wide = false }: { children: ReactNode; wide?: boolean }): ReactElement {
  return (
    <main className="centered">
      <div className={wide ? 'centered-column centered-column-wide' : 'centered-column'}>
        <div className="centered-brand">
          <Logo size={32} withName />
          <span className="brand-tag">Admin</span>
        </div>
        <div className="card centered-card">{children}</div>
      </div>
    </main>
  );
}
