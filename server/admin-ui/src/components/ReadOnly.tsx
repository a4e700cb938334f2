import type { ReactElement, ReactNode } from 'react';
import { Alert } from '../../../../ui/Alert.js';

/** Says that a page (or a part of it) can be read and not changed, and why, in the user's terms. */
export function ReadOnlyNotice({ children }: { children: ReactNode }): ReactElement {
  return (
    <Alert tone="info" title="Read-only" testId="read-only">
      <p>{children}</p>
    </Alert>
  );
}

/**
 * A part of a page the user may read but not change: every control inside a disabled fieldset (one
 * switch for inputs, selects and buttons alike), with a notice when `notice` is given. Editable, it
 * adds nothing.
 */
export function ReadOnly({
  readOnly,
  notice,
  children,
}: {
  readOnly: boolean;
  /** Why it is read-only; omitted when a notice higher up on the page says it. */
  notice?: string;
  children: ReactNode;
}): ReactElement {
  if (!readOnly) return <>{children}</>;
  return (
    <>
      {notice ? <ReadOnlyNotice>{notice}</ReadOnlyNotice> : null}
      <fieldset className="plain-fieldset" disabled>
        {children}
      </fieldset>
    </>
  );
}
