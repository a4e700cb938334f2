import { useState, type FormEvent, type ReactElement } from 'react';
import { GrantScope, type GrantView } from '../../../../common/api/server-grants.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { RbacAction, RbacObject } from '../../../../common/rbac/permissions.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { call } from '../../api/call.js';
import { ACTION_LABELS, DURATIONS, OBJECT_LABELS, SCOPE_LABELS, grantTitle } from './grantCopy.js';

/**
 * "Request temporary access" (team.requestGrant): one permission, for a while, with a reason for
 * the approver. The server refuses what the user already holds, durations past the workspace's
 * maximum and too many waiting requests, and its message is shown as it is.
 */
export function TeamGrantRequestForm({ onRequested }: { onRequested: (grant: GrantView) => void }): ReactElement {
  const [object, setObject] = useState<RbacObject>('contact');
  const [action, setAction] = useState<RbacAction>('export');
  const [scope, setScope] = useState<GrantScope>('own');
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState('');
  const [reasonProblem, setReasonProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: true; grant: GrantView } | { ok: false; error: AppErrorShape } | null>(
    null,
  );

  // A new edit makes the last answer stale: it goes away.
  const edited = (change: () => void): void => {
    change();
    setOutcome(null);
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setOutcome(null);
    if (reason.trim() === '') {
      setReasonProblem('Say why you need it: the approver reads this.');
      return;
    }
    setReasonProblem(undefined);
    setBusy(true);
    const result = await call('team.requestGrant', { object, action, scope, minutes, reason });
    setBusy(false);
    if (result.ok) {
      setReason('');
      setOutcome({ ok: true, grant: result.value });
      onRequested(result.value);
    } else {
      setOutcome({ ok: false, error: result.error });
    }
  };

  return (
    <form className="grant-request-form" onSubmit={(event) => void submit(event)} noValidate data-testid="grant-form">
      <h3 className="settings-subtitle">Request temporary access</h3>
      <p className="text-secondary">
        Need something your role doesn&apos;t allow, for a while? Ask here: someone who manages your team decides, and
        once approved it works in the app within a minute or two, until it runs out.
      </p>
      <fieldset className="form-fieldset" disabled={busy}>
        <div className="form-row form-row-3">
          <Field id="grant-action" label="Action">
            {(control) => (
              <select
                {...control}
                className="input select"
                value={action}
                onChange={(event) => edited(() => setAction(RbacAction.parse(event.target.value)))}
                data-testid="grant-action"
              >
                {RbacAction.options.map((value) => (
                  <option key={value} value={value}>
                    {ACTION_LABELS[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="grant-object" label="On">
            {(control) => (
              <select
                {...control}
                className="input select"
                value={object}
                onChange={(event) => edited(() => setObject(RbacObject.parse(event.target.value)))}
                data-testid="grant-object"
              >
                {RbacObject.options.map((value) => (
                  <option key={value} value={value}>
                    {OBJECT_LABELS[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="grant-scope" label="Whose">
            {(control) => (
              <select
                {...control}
                className="input select"
                value={scope}
                onChange={(event) => edited(() => setScope(GrantScope.parse(event.target.value)))}
                data-testid="grant-scope"
              >
                {GrantScope.options.map((value) => (
                  <option key={value} value={value}>
                    {SCOPE_LABELS[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          id="grant-minutes"
          label="For"
          hint="Counted from the approval. Your workspace sets the longest allowed."
        >
          {(control) => (
            <select
              {...control}
              className="input select"
              value={minutes}
              onChange={(event) => edited(() => setMinutes(Number(event.target.value)))}
              data-testid="grant-minutes"
            >
              {DURATIONS.map((duration) => (
                <option key={duration.minutes} value={duration.minutes}>
                  {duration.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="grant-reason" label="Reason" error={reasonProblem} errorTestId="grant-reason-error">
          {(control) => (
            <textarea
              {...control}
              className="input"
              rows={2}
              maxLength={500}
              placeholder="e.g. The customer asked for a copy of their contacts"
              value={reason}
              onChange={(event) => edited(() => setReason(event.target.value))}
              data-testid="grant-reason"
            />
          )}
        </Field>
      </fieldset>
      {outcome?.ok === true ? (
        <Alert tone="success" testId="grant-result">
          <p>Asked for {grantTitle(outcome.grant).toLowerCase()}: waiting for an approver.</p>
        </Alert>
      ) : null}
      {outcome?.ok === false ? (
        <Alert tone="error" title="Not asked" testId="grant-result">
          <p>{outcome.error.message}</p>
        </Alert>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="grant-submit">
        {busy ? 'Asking…' : 'Ask for access'}
      </button>
    </form>
  );
}
