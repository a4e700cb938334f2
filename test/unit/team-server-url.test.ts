import { describe, expect, it } from 'vitest';
import { TeamServerUrl } from '../../common/api/team.js';

describe('team server URL', () => {
  it('keeps the origin of an https address or an http one on this machine', () => {
    expect(TeamServerUrl.parse(' https://Team.Example.com/ ')).toBe('https://team.example.com');
    expect(TeamServerUrl.parse('https://team.example.com:8443')).toBe('https://team.example.com:8443');
    expect(TeamServerUrl.parse('http://127.0.0.1:7700')).toBe('http://127.0.0.1:7700');
    expect(TeamServerUrl.parse('http://localhost:7700/')).toBe('http://localhost:7700');
    expect(TeamServerUrl.parse('http://[::1]:7700')).toBe('http://[::1]:7700');
  });

  it('refuses plain http to another machine, other schemes, paths, queries, credentials and bad ports', () => {
    for (const url of [
      'http://team.example.com',
      'http://127.0.0.1.evil.example',
      'http://10.0.0.5:7700',
      'ftp://team.example.com',
      'https://team.example.com/api',
      'https://team.example.com/?x=1',
      'https://user:pw@team.example.com',
      'https://team.example.com#frag',
      'https://team.example.com:0',
      'https://team.example.com:70000',
      'team.example.com',
      '',
    ]) {
      expect(TeamServerUrl.safeParse(url).success, url).toBe(false);
    }
    expect(TeamServerUrl.safeParse('http://team.example.com').error?.issues[0]?.message).toMatch(/Use https/);
  });
});
