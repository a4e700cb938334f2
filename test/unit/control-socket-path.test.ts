import { describe, expect, it } from 'vitest';
import { controlSocketPath } from '../../main/core/control/control-socket.js';

describe('controlSocketPath: where the core holding a profile answers the CLI', () => {
  it('is core.sock inside the profile folder', () => {
    expect(controlSocketPath('/home/ada/.config/Clientele', 'linux')).toBe('/home/ada/.config/Clientele/core.sock');
  });

  it('is none for a folder too deep for a Unix socket path (sun_path), rather than one outside it', () => {
    expect(controlSocketPath(`/home/ada/${'deep/'.repeat(20)}Clientele`, 'darwin')).toBeNull();
  });

  it('is a named pipe on Windows, the same for the same folder whatever its case', () => {
    const pipe = controlSocketPath('C:\\Users\\Ada\\AppData\\Roaming\\Clientele', 'win32');
    expect(pipe).toMatch(/^\\\\\.\\pipe\\clientele-[0-9a-f]{32}$/);
    expect(controlSocketPath('c:\\users\\ada\\appdata\\roaming\\clientele', 'win32')).toBe(pipe);
    expect(controlSocketPath('C:\\Users\\Bob\\AppData\\Roaming\\Clientele', 'win32')).not.toBe(pipe);
  });
});
