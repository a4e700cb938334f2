import { useEffect, useRef, type ReactElement } from 'react';
import type { ProfileInfo } from '../../../common/domain/profile.js';
import { useHashRoute } from '../hooks/useHashRoute.js';
import { useSettings } from '../hooks/useSettings.js';
import { Header } from './Header.js';
import { PageView } from './PageView.js';
import { PAGE_LABELS } from './routes.js';
import { Sidebar } from './Sidebar.js';
import { Shortcuts } from '../shortcuts/Shortcuts.js';
import { PolicyProvider } from '../policy/PolicyProvider.js';
import { ReadOnlyBanner } from '../policy/ReadOnlyBanner.js';

/** The open app: navigation, header and the current page. */
export function AppFrame({ profile }: { profile: ProfileInfo }): ReactElement {
  const page = useHashRoute();
  const settings = useSettings();
  const heading = useRef<HTMLHeadingElement>(null);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    document.title = `${PAGE_LABELS[page]} · Clientele`;
    // Move focus to the new page's title (not on first load, where it would steal it from the
    // window) so keyboard and screen reader users land on the content they asked for.
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    // A page that focused its own control on arrival (the search input, which `/` leads to) keeps it.
    if (!main.current?.contains(document.activeElement)) heading.current?.focus();
    main.current?.scrollTo({ top: 0 });
  }, [page]);

  return (
    <PolicyProvider>
      <div className="frame" data-testid="app-frame">
        <button type="button" className="skip-link" onClick={() => heading.current?.focus()}>
          Skip to content
        </button>
        <Sidebar page={page} />
        <Shortcuts />
        <div className="frame-main">
          <Header title={PAGE_LABELS[page]} profile={profile} headingRef={heading} />
          <ReadOnlyBanner />
          <main className="content" ref={main}>
            <PageView page={page} settings={settings} />
          </main>
        </div>
      </div>
    </PolicyProvider>
  );
}
