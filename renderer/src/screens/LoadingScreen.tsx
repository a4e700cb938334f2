import type { ReactElement } from 'react';
import { Logo } from '../../../ui/Logo.js';
import { Spinner } from '../../../ui/Spinner.js';

export function LoadingScreen(): ReactElement {
  return (
    <main className="centered" data-testid="boot-loading" aria-busy="true">
      {/* The content fades in after a short delay (CSS) so a fast start shows no flicker. */}
      <div className="loading">
        <Logo size={40} />
        <Spinner label="Opening Clientele" />
        <p className="text-secondary">Starting Clientele…</p>
      </div>
    </main>
  );
}
