import { useId, useState, type FormEvent, type ReactElement } from 'react';
import { formatAmountPlain, parseAmount, type Deal, type Stage } from '../../../../common/domain/deals.js';
import { Alert } from '../../../../ui/Alert.js';
import { Field } from '../../../../ui/Field.js';
import { ContactPicker } from './ContactPicker.js';
import { COMMON_CURRENCIES, defaultCurrency } from './money.js';
import { useCompanies } from './useCompanies.js';

export type DealFormValues = {
  name: string;
  amountMinor: number;
  currency: string;
  stageId: number | null;
  closeDate: string | null;
  companyId: number | null;
  contactIds: number[];
};

/**
 * A deal's fields, for a new deal (with its stage) and for editing one. `onSubmit` answers with a
 * message when the call failed; the form stays open with what the user typed.
 */
export function DealForm({
  deal,
  stages,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  deal?: Deal;
  /** The stages to choose from; none when editing (moves happen on the board). */
  stages?: Stage[];
  submitLabel: string;
  onSubmit: (values: DealFormValues) => Promise<string | null>;
  onCancel: () => void;
}): ReactElement {
  const id = useId();
  const { companies, error: companiesError } = useCompanies();
  const [name, setName] = useState(deal?.name ?? '');
  const [currency, setCurrency] = useState(deal?.currency ?? defaultCurrency());
  const [amount, setAmount] = useState(deal ? formatAmountPlain(deal.amountMinor, deal.currency) : '');
  const [stageId, setStageId] = useState<number | null>(stages?.[0]?.id ?? null);
  const [closeDate, setCloseDate] = useState(deal?.closeDate ?? '');
  const [companyId, setCompanyId] = useState<number | null>(deal?.company?.id ?? null);
  const [contacts, setContacts] = useState(deal?.contacts ?? []);
  const [errors, setErrors] = useState<Partial<Record<'name' | 'amount' | 'currency', string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const code = currency.trim().toUpperCase();
    const found: typeof errors = {};
    if (!name.trim()) found.name = 'Enter a name.';
    if (!/^[A-Z]{3}$/.test(code)) found.currency = 'Use a three-letter code, like EUR.';
    const amountMinor = found.currency ? null : parseAmount(amount, code);
    if (!found.currency && amountMinor === null) found.amount = `Enter an amount in ${code}, like 1200.50.`;
    setErrors(found);
    if (Object.keys(found).length > 0 || amountMinor === null) return;
    setBusy(true);
    const message = await onSubmit({
      name: name.trim(),
      amountMinor,
      currency: code,
      stageId,
      closeDate: closeDate || null,
      companyId,
      contactIds: contacts.map((c) => c.id),
    });
    setBusy(false);
    setFailure(message);
  };

  return (
    <form className="deal-form" onSubmit={(event) => void submit(event)} noValidate data-testid="deal-form">
      {failure ? (
        <Alert tone="error" title="The deal was not saved" testId="deal-form-error">
          <p>{failure}</p>
        </Alert>
      ) : null}
      <Field id={`${id}-name`} label="Name" error={errors.name}>
        {(control) => (
          <input
            {...control}
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus
            data-testid="deal-name"
          />
        )}
      </Field>
      <div className="form-row deal-form-money">
        <Field id={`${id}-amount`} label="Amount" error={errors.amount}>
          {(control) => (
            <input
              {...control}
              className="input deal-form-amount"
              inputMode="decimal"
              placeholder="0.00"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              data-testid="deal-amount"
            />
          )}
        </Field>
        <Field id={`${id}-currency`} label="Currency" error={errors.currency}>
          {(control) => (
            <>
              <input
                {...control}
                className="input"
                list={`${id}-currencies`}
                maxLength={3}
                value={currency}
                onChange={(e) => setCurrency(e.target.value.toUpperCase())}
                data-testid="deal-currency"
              />
              <datalist id={`${id}-currencies`}>
                {COMMON_CURRENCIES.map((code) => (
                  <option key={code} value={code} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>
      <div className="form-row">
        {stages ? (
          <Field id={`${id}-stage`} label="Stage">
            {(control) => (
              <select
                {...control}
                className="input select"
                value={stageId ?? ''}
                onChange={(e) => setStageId(Number(e.target.value))}
                data-testid="deal-stage"
              >
                {stages.map((stage) => (
                  <option key={stage.id} value={stage.id}>
                    {stage.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field id={`${id}-close`} label="Expected close date">
          {(control) => (
            <input
              {...control}
              className="input"
              type="date"
              value={closeDate}
              onChange={(e) => setCloseDate(e.target.value)}
              data-testid="deal-close-date"
            />
          )}
        </Field>
      </div>
      <Field id={`${id}-company`} label="Company" error={companiesError ?? undefined}>
        {(control) => (
          <select
            {...control}
            className="input select"
            value={companyId ?? ''}
            onChange={(e) => setCompanyId(e.target.value ? Number(e.target.value) : null)}
            data-testid="deal-company"
          >
            <option value="">No company</option>
            {deal?.company && !companies.some((c) => c.id === deal.company?.id) ? (
              <option value={deal.company.id}>{deal.company.name}</option>
            ) : null}
            {companies.map((company) => (
              <option key={company.id} value={company.id}>
                {company.name} ({company.domain})
              </option>
            ))}
          </select>
        )}
      </Field>
      <ContactPicker value={contacts} onChange={setContacts} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="deal-submit">
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
