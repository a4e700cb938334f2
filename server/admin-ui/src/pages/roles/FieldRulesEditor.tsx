import { useId, useState, type ReactElement } from 'react';
import { RbacObject, type FieldRules } from '../../../../../common/rbac/permissions.js';
import { KNOWN_FIELDS, OBJECT_LABELS } from './labels.js';
import { hiddenFields, withFieldHidden } from './role-draft.js';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Fields this role may not see (e.g. a deal's amount). Held with other roles, a hidden field stays hidden. */
export function FieldRulesEditor({
  rules,
  onChange,
}: {
  rules: FieldRules;
  onChange: (rules: FieldRules) => void;
}): ReactElement {
  const [object, setObject] = useState<RbacObject>('deal');
  const [field, setField] = useState('');
  const [error, setError] = useState<string>();
  const listId = useId();
  const hidden = hiddenFields(rules);

  function add(): void {
    const name = field.trim();
    if (!FIELD_NAME.test(name)) return setError('A field name: letters, digits and _ (e.g. amount).');
    setError(undefined);
    setField('');
    onChange(withFieldHidden(rules, object, name, true));
  }

  return (
    <fieldset className="field-rules" data-testid="role-field-rules">
      <legend className="section-label">Hidden fields</legend>
      {hidden.length === 0 ? (
        <p className="text-secondary">Every field is visible to this role.</p>
      ) : (
        <ul className="chips chips-list">
          {hidden.map((rule) => (
            <li key={`${rule.object}.${rule.field}`} className="chip chip-removable" data-testid="role-hidden-field">
              <span>
                {OBJECT_LABELS[rule.object]}: <code>{rule.field}</code>
              </span>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Show ${rule.object}.${rule.field} again`}
                onClick={() => onChange(withFieldHidden(rules, rule.object, rule.field, false))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field-rule-add">
        <select
          className="input select"
          aria-label="Record type of the field to hide"
          value={object}
          onChange={(event) => setObject(RbacObject.parse(event.target.value))}
          data-testid="role-hide-object"
        >
          {RbacObject.options.map((option) => (
            <option key={option} value={option}>
              {OBJECT_LABELS[option]}
            </option>
          ))}
        </select>
        <input
          className="input"
          aria-label="Field to hide"
          placeholder="Field, e.g. amount"
          list={listId}
          value={field}
          aria-invalid={Boolean(error)}
          onChange={(event) => setField(event.target.value)}
          onKeyDown={(event) => {
            // Enter adds the field rather than saving the whole role.
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
          data-testid="role-hide-field"
        />
        <datalist id={listId}>
          {(KNOWN_FIELDS[object] ?? []).map((known) => (
            <option key={known} value={known} />
          ))}
        </datalist>
        <button type="button" className="btn btn-secondary btn-small" onClick={add} data-testid="role-hide-add">
          Hide field
        </button>
      </div>
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}
