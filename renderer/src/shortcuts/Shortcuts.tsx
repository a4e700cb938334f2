import { useCallback, useState, type ReactElement } from 'react';
import { ShortcutsOverlay } from './ShortcutsOverlay.js';
import { useShortcuts } from './useShortcuts.js';

/** The app's keyboard shortcuts and their help overlay ('?'), mounted once by the frame. */
export function Shortcuts(): ReactElement {
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  useShortcuts({ onHelp: openHelp, helpOpen });
  return <ShortcutsOverlay open={helpOpen} onClose={() => setHelpOpen(false)} />;
}
