import { Menu, type MenuItemConstructorOptions } from 'electron';

// The application menu: mostly standard roles, which also give the usual keyboard shortcuts
// (copy/paste on macOS only work through an Edit menu). Developer tools only outside packaged builds.

export function buildAppMenu(options: { isPackaged: boolean; onCheckForUpdates?: () => void }): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(options.isPackaged
          ? []
          : ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: options.onCheckForUpdates
        ? [{ label: 'Check for Updates', click: options.onCheckForUpdates }]
        : [{ label: 'Clientele', enabled: false }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
