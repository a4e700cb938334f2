import type { ReactElement } from 'react';
import type { AuditEntryView } from '../../../../../common/api/server-admin-audit.js';
import { formatDateSeconds } from '../../lib/format.js';
import { describeDetails, describeTarget, type Names } from './describe-entry.js';

/** One entry: number, time, who, what (and on what), and its details as readable lines. */
export function AuditEntryRow({ entry, names }: { entry: AuditEntryView; names: Names }): ReactElement {
  const actor = entry.actorEmail ?? (entry.actorUserId ? 'deleted user' : 'system');
  const target = describeTarget(entry.target, names);
  const lines = describeDetails(entry, names);
  return (
    <tr data-testid="audit-entry" data-action={entry.action}>
      <td className="cell-number">{entry.seq}</td>
      <td className="cell-nowrap">
        <time dateTime={entry.at}>{formatDateSeconds(entry.at)}</time>
      </td>
      <td className="break-anywhere">
        {actor}
        {entry.source === 'client' ? <span className="badge badge-neutral badge-inline">desktop</span> : null}
      </td>
      <td>
        <code className="action-name break-anywhere">{entry.action}</code>
        {target ? <div className="text-secondary cell-target break-anywhere">{target}</div> : null}
      </td>
      <td>
        {lines.length === 0 ? (
          <span className="text-tertiary">—</span>
        ) : (
          <dl className="details" data-testid="audit-details">
            {lines.map((line, index) => (
              <div key={`${line.label}-${index}`} className="details-line">
                <dt>{line.label}</dt>
                <dd className="break-anywhere">{line.value}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
    </tr>
  );
}
