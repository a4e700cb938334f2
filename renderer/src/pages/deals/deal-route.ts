import { hrefFor } from '../../frame/routes.js';

/** A deal open in its panel over the board: '#/deals?deal=<id>' (Back closes it). */
export function dealHref(dealId: number): string {
  return `${hrefFor('deals')}?deal=${dealId}`;
}

export function dealIdFrom(param: string | null): number | null {
  if (param === null || !/^\d{1,15}$/.test(param)) return null;
  const id = Number(param);
  return id > 0 ? id : null;
}
