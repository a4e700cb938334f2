import type { ReactElement } from 'react';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import type { SettingsControls } from '../../hooks/useSettings.js';
import { BlockedSendersSection } from './BlockedSendersSection.js';
import { MailAccountsSection } from './MailAccountsSection.js';
import { PreferencesForm } from './PreferencesForm.js';
import { SecuritySection } from './SecuritySection.js';
import { TeamServerSection } from './TeamServerSection.js';

export function SettingsPage({ settings }: { settings: SettingsControls }): ReactElement {
  const { state } = settings;
  return (
    <div className="page page-narrow" data-testid="page-settings">
      {/* Independent of the settings load, like Security below. */}
      <MailAccountsSection />
      {state.status === 'loading' ? (
        <div className="card card-loading">
          <Spinner label="Loading settings" />
        </div>
      ) : null}
      {state.status === 'error' ? (
        <Alert tone="error" title="Settings could not be loaded" testId="settings-load-error">
          <p>{state.error.message}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={settings.reload}>
            Retry
          </button>
        </Alert>
      ) : null}
      {state.status === 'loaded' ? <PreferencesForm saved={state.settings} onSaved={settings.replace} /> : null}
      <BlockedSendersSection />
      {/* Independent of the settings load: a new recovery key must stay reachable. */}
      <SecuritySection />
      <TeamServerSection />
    </div>
  );
}
