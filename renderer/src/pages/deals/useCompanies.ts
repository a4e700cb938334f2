import { useEffect, useState } from 'react';
import type { CompanySummary } from '../../../../common/domain/crm.js';
import { call } from '../../api/call.js';

/** Companies to pick from (the first 500 by name; the picker filters them as the user types). */
export function useCompanies(): { companies: CompanySummary[]; error: string | null } {
  const [companies, setCompanies] = useState<CompanySummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stale = false;
    void call('companies.list', { limit: 500 }).then((result) => {
      if (stale) return;
      if (result.ok) setCompanies(result.value.items);
      else setError(result.error.message);
    });
    return () => {
      stale = true;
    };
  }, []);
  return { companies, error };
}
