import type { ReactElement, Ref } from 'react';
import type { ProfileInfo } from '../../../common/domain/profile.js';

/** Up to two initials for the avatar; the full name sits next to it. */
function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}

export function Header({
  title,
  profile,
  headingRef,
}: {
  title: string;
  profile: ProfileInfo;
  headingRef: Ref<HTMLHeadingElement>;
}): ReactElement {
  return (
    <header className="topbar">
      {/* tabIndex -1: the frame moves focus here after navigation, for keyboard and screen reader users. */}
      <h1 className="topbar-title" tabIndex={-1} ref={headingRef}>
        {title}
      </h1>
      <div className="profile-chip">
        <span className="avatar" aria-hidden="true">
          {initials(profile.displayName)}
        </span>
        <span className="profile-name" data-testid="profile-name">
          {profile.displayName}
        </span>
      </div>
    </header>
  );
}
