import { useEffect, useId, useState, type ReactElement } from 'react';
import type { ContactSummary } from '../../../../common/domain/crm.js';
import type { DealContact } from '../../../../common/domain/deals.js';
import { call } from '../../api/call.js';

type Picked = Pick<DealContact, 'id' | 'name' | 'email'>;

/**
 * Contacts for a deal: the chosen ones as removable chips, and a search (contacts.list, by a
 * prefix of a name or an address) whose results are buttons that add one.
 */
export function ContactPicker({
  value,
  onChange,
}: {
  value: Picked[];
  onChange: (next: Picked[]) => void;
}): ReactElement {
  const inputId = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ContactSummary[]>([]);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const search = query.trim();
    if (search.length === 0) return;
    let stale = false;
    // A short pause so every keystroke does not become a call.
    const timer = setTimeout(() => {
      void call('contacts.list', { search, limit: 8 }).then((result) => {
        if (stale) return;
        setFailed(result.ok ? null : result.error.message);
        setResults(result.ok ? result.value.items : []);
      });
    }, 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query]);

  const chosen = new Set(value.map((c) => c.id));
  // Results of an earlier search stay in state; with the box empty there is nothing to show.
  const shown = query.trim() ? results : [];
  return (
    <div className="field">
      <label className="field-label" htmlFor={inputId}>
        Contacts
      </label>
      {value.length > 0 ? (
        <ul className="picker-chips" aria-label="Chosen contacts">
          {value.map((contact) => (
            <li key={contact.id} className="picker-chip">
              {contact.name}
              <button
                type="button"
                className="picker-chip-remove"
                aria-label={`Remove ${contact.name}`}
                onClick={() => onChange(value.filter((c) => c.id !== contact.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id={inputId}
        className="input"
        type="search"
        placeholder="Search contacts by name or email"
        value={query}
        autoComplete="off"
        onChange={(event) => setQuery(event.target.value)}
        data-testid="deal-contact-search"
      />
      {failed ? <p className="field-error">{failed}</p> : null}
      {shown.length > 0 ? (
        <ul className="picker-results" aria-label="Matching contacts">
          {shown
            .filter((contact) => !chosen.has(contact.id))
            .map((contact) => (
              <li key={contact.id}>
                <button
                  type="button"
                  className="picker-result"
                  onClick={() => {
                    onChange([...value, { id: contact.id, name: contact.name, email: contact.email }]);
                    setQuery('');
                  }}
                >
                  <span>{contact.name}</span>
                  <span className="text-secondary">{contact.email}</span>
                </button>
              </li>
            ))}
        </ul>
      ) : query.trim() && !failed ? (
        <p className="field-hint">No contact matches “{query.trim()}”.</p>
      ) : null}
    </div>
  );
}
