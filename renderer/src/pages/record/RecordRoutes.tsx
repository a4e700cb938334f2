import { useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import { recordFromHash, type RecordRoute } from '../../frame/routes.js';
import { CompanyPage } from './CompanyPage.js';
import { ContactPage } from './ContactPage.js';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The record the hash names ('#/contacts/12'), kept in step with navigation. */
function useRecordRoute(): RecordRoute | null {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return recordFromHash(hash);
}

/** '#/contacts' shows the list, '#/contacts/<id>' that contact's page (keyed: another id starts fresh). */
export function ContactsRoute({ list }: { list: ReactNode }): ReactElement {
  const record = useRecordRoute();
  return record?.type === 'contact' ? <ContactPage key={record.id} id={record.id} /> : <>{list}</>;
}

export function CompaniesRoute({ list }: { list: ReactNode }): ReactElement {
  const record = useRecordRoute();
  return record?.type === 'company' ? <CompanyPage key={record.id} id={record.id} /> : <>{list}</>;
}
