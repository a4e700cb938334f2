import { useState, type ReactElement } from 'react';
import { EmailDomain } from '../../../../../common/api/server-sso.js';

/**
 * The mail domains whose people may sign in: a chip per domain, and a field that adds one (Enter or
 * Add), each checked with the server's own schema as it is added. `error` is a refusal of the list
 * as a whole (the server's "list at least one"), shown with the field.
 */
export function DomainListEditor({
  domains,
  onChange,
  error,
}: {
  domains: string[];
  onChange: (domains: string[]) => void;
  error: string | undefined;
}): ReactElement {
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string>();
  const shown = typedError ?? error;

  function add(): void {
    const checked = EmailDomain.safeParse(typed.replace(/^@/, ''));
    if (!checked.success) return setTypedError(checked.error.issues[0]?.message ?? 'Not a mail domain.');
    setTypedError(undefined);
    setTyped('');
    if (!domains.includes(checked.data)) onChange([...domains, checked.data]);
  }

  return (
    <fieldset className="field domain-list" aria-describedby="sso-domains-hint" data-testid="sso-domains">
      <legend className="field-label">Allowed email domains</legend>
      {domains.length === 0 ? (
        <p className="text-secondary domain-list-empty" data-testid="sso-domains-empty">
          No domain yet: nobody can sign in with single sign-on.
        </p>
      ) : (
        <ul className="chips chips-list">
          {domains.map((domain) => (
            <li key={domain} className="chip" data-testid="sso-domain">
              <code>{domain}</code>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${domain}`}
                onClick={() => onChange(domains.filter((other) => other !== domain))}
                data-testid="sso-domain-remove"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="domain-add">
        <input
          className="input"
          aria-label="Mail domain to allow"
          placeholder="example.com"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          aria-invalid={Boolean(shown)}
          aria-describedby={shown ? 'sso-domains-error' : undefined}
          onChange={(event) => {
            setTyped(event.target.value);
            setTypedError(undefined);
          }}
          onKeyDown={(event) => {
            // Enter adds the domain rather than saving the whole form.
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
          data-testid="sso-domain-input"
        />
        <button type="button" className="btn btn-secondary" onClick={add} data-testid="sso-domain-add">
          Add domain
        </button>
      </div>
      <p className="field-hint" id="sso-domains-hint">
        Only people whose email the identity provider has verified, at one of these domains, may sign in. Subdomains are
        separate entries: sales.example.com is not example.com.
      </p>
      {shown ? (
        <p className="field-error" id="sso-domains-error" data-testid="sso-domains-error">
          {shown}
        </p>
      ) : null}
    </fieldset>
  );
}
