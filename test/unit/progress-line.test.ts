import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveBlock, ProgressLine, withShareDone, type LineStream } from '../../main/cli/progress-line.js';

function streamOf(isTTY: boolean, size: { rows?: number; columns?: number } = {}): LineStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    ...size,
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ProgressLine', () => {
  it('rewrites one line in place at a terminal and ends it with the outcome', () => {
    const stream = streamOf(true);
    const line = new ProgressLine(stream, 'Indexing 900 new messages…');
    line.update('40%');
    line.update('7%');
    line.end('done');
    expect(stream.text()).toBe(
      'Indexing 900 new messages…' +
        '\rIndexing 900 new messages… 40%\u001b[K' +
        '\rIndexing 900 new messages… 7%\u001b[K' +
        '\rIndexing 900 new messages… done\u001b[K\n',
    );
  });

  it('writes the line once, and nothing more, to a pipe or a file', () => {
    const stream = streamOf(false);
    const line = new ProgressLine(stream, 'Indexing 900 new messages…');
    line.update('40%');
    line.end('done');
    expect(stream.text()).toBe('Indexing 900 new messages…\n');
  });
});

describe('withShareDone', () => {
  it('shows the share done while the work runs, one ask at a time, below 100% until it ends', async () => {
    vi.useFakeTimers();
    const stream = streamOf(true);
    const line = new ProgressLine(stream, 'Working');
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const shares = [0.25, 1.2];
    let asks = 0;
    let answer!: (share: number) => void;
    const shown = withShareDone(
      work,
      () => {
        asks += 1;
        return new Promise<number>((resolve) => (answer = resolve));
      },
      line,
      1000,
    );
    await vi.advanceTimersByTimeAsync(1000);
    // The first ask is still unanswered: the next ticks do not ask again.
    await vi.advanceTimersByTimeAsync(3000);
    expect(asks).toBe(1);
    answer(shares[0]!);
    await vi.advanceTimersByTimeAsync(1000);
    expect(stream.text()).toContain('Working 25%');
    expect(asks).toBe(2);
    answer(shares[1]!);
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.text()).toContain('Working 99%');
    finish('result');
    await expect(shown).resolves.toBe('result');
    await vi.advanceTimersByTimeAsync(5000);
    expect(asks).toBe(2);
  });

  it('does not ask at all when the line is not at a terminal', async () => {
    vi.useFakeTimers();
    const line = new ProgressLine(streamOf(false), 'Working');
    const ask = vi.fn(() => Promise.resolve(0.5));
    const shown = withShareDone(new Promise((resolve) => setTimeout(() => resolve(7), 5000)), ask, line, 1000);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(shown).resolves.toBe(7);
    expect(ask).not.toHaveBeenCalled();
  });

  it('keeps the line as it was when an ask fails', async () => {
    vi.useFakeTimers();
    const stream = streamOf(true);
    const line = new ProgressLine(stream, 'Working');
    const shown = withShareDone(
      new Promise((resolve) => setTimeout(() => resolve('ok'), 2500)),
      () => Promise.reject(new Error('profile locked')),
      line,
      1000,
    );
    await vi.advanceTimersByTimeAsync(2500);
    await expect(shown).resolves.toBe('ok');
    expect(stream.text()).toBe('Working');
  });
});

describe('LiveBlock', () => {
  it('redraws each version over the last one at a terminal, counting wrapped rows', () => {
    const stream = streamOf(true, { rows: 40, columns: 20 });
    const block = new LiveBlock(stream);
    block.show('account: syncing, 10 messages\n  INBOX 1 / 9');
    block.show('account: idle\n  INBOX 9 / 9');
    // The first version's first line is 30 characters: two rows of 20, so three rows to go back up.
    expect(stream.text()).toBe(
      'account: syncing, 10 messages\n  INBOX 1 / 9\n' + '\u001b[3F\u001b[J' + 'account: idle\n  INBOX 9 / 9\n',
    );
  });

  it('appends every version after a blank line to a pipe, as the CLI always did', () => {
    const stream = streamOf(false);
    const block = new LiveBlock(stream);
    block.show('a\nb');
    block.show('c');
    expect(stream.text()).toBe('a\nb\n\nc\n\n');
  });

  it('appends a version taller than the window instead of scrolling half of it away', () => {
    const stream = streamOf(true, { rows: 3, columns: 80 });
    const block = new LiveBlock(stream);
    block.show('1\n2');
    block.show('1\n2\n3\n4');
    block.show('x');
    expect(stream.text()).toBe('1\n2\n' + '\u001b[2F\u001b[J' + '1\n2\n3\n4\n\n' + 'x\n');
  });
});
