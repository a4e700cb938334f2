import { minorUnitsPerMajor } from '../../../../common/domain/deals.js';

const formatters = new Map<string, Intl.NumberFormat>();

/** 120050 EUR -> "€1,200.50" in the user's locale; amounts are integer minor units. */
export function formatMoney(amountMinor: number, currency: string): string {
  let formatter = formatters.get(currency);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${amountMinor / 100} ${currency}`;
    }
    formatters.set(currency, formatter);
  }
  return formatter.format(amountMinor / minorUnitsPerMajor(currency));
}

/** The currencies offered first in forms; any other ISO 4217 code can be typed. */
export const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'INR'];

/** The user's own currency when the locale says one we offer, else EUR. */
export function defaultCurrency(): string {
  const region = new Intl.Locale(navigator.language || 'en').maximize().region;
  const byRegion: Record<string, string> = {
    US: 'USD',
    GB: 'GBP',
    CH: 'CHF',
    JP: 'JPY',
    CA: 'CAD',
    AU: 'AUD',
    SE: 'SEK',
  };
  return (region && byRegion[region]) ?? 'EUR';
}

/** "2026-12-31" -> "31 Dec 2026" in the user's locale (a calendar date, no time zone shift). */
export function formatCalendarDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return date;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    Date.UTC(year, month - 1, day),
  );
}
