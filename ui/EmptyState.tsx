import type { ReactElement, ReactNode } from 'react';

/** What a page shows while it has nothing real to show: what will appear here, and how. */
export function EmptyState({
  icon,
  title,
  children,
  testId,
}: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  testId?: string;
}): ReactElement {
  return (
    <div className="empty-state" data-testid={testId}>
      <div className="empty-state-icon">{icon}</div>
      <h2 className="empty-state-title">{title}</h2>
      <div className="empty-state-body">{children}</div>
    </div>
  );
}
