import { Menu, Tray, nativeImage } from 'electron';
import type { Logger } from '../util/logger.js';

// A minimal tray icon: bring the window back, or quit. Some Linux desktops have no tray at all;
// then there is simply none.

export function createTray(options: {
  iconPath: string;
  onShow: () => void;
  onQuit: () => void;
  log: Logger;
}): Tray | null {
  try {
    const size = process.platform === 'linux' ? 22 : 16;
    const image = nativeImage.createFromPath(options.iconPath).resize({ width: size, height: size, quality: 'best' });
    const tray = new Tray(image);
    tray.setToolTip('Clientele');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Clientele', click: options.onShow },
        { type: 'separator' },
        { label: 'Quit', click: options.onQuit },
      ]),
    );
    tray.on('click', options.onShow);
    return tray;
  } catch (error) {
    options.log.info({ err: error }, 'no tray icon on this desktop');
    return null;
  }
}
