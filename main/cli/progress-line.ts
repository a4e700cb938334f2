/** What ProgressLine and LiveBlock write to: stderr or stdout, or a test's stand-in. */
export type LineStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; rows?: number; columns?: number };

/**
 * One line saying what a long step is doing. At a terminal it is rewritten in place as the step
 * advances (`update`) and closed with the outcome (`end`); written to a pipe or a file, the line
 * appears once and the updates are left out, so logs and tests get one stable line.
 */
export class ProgressLine {
  readonly live: boolean;

  constructor(
    private readonly stream: LineStream,
    private readonly text: string,
  ) {
    this.live = stream.isTTY === true;
    stream.write(this.live ? text : `${text}\n`);
  }

  update(status: string): void {
    if (this.live) this.stream.write(`\r${this.text} ${status}${CLEAR_TO_END}`);
  }

  end(status: string): void {
    if (this.live) this.stream.write(`\r${this.text} ${status}${CLEAR_TO_END}\n`);
  }
}

/**
 * Waits for `work`, and meanwhile (at a terminal only) shows the share (0..1) `shareDone` reports
 * every `everyMs`, one ask at a time, as a percentage that stops at 99 until the work is done. (The
 * core yields between indexing batches, so the asks are answered while the work goes on.) An ask
 * that fails only leaves the line as it was.
 */
export async function withShareDone<T>(
  work: Promise<T>,
  shareDone: () => Promise<number | null>,
  line: ProgressLine,
  everyMs = 1000,
): Promise<T> {
  if (!line.live) return work;
  let asking = false;
  const timer = setInterval(() => {
    if (asking) return;
    asking = true;
    void shareDone()
      .then((share) => {
        if (share !== null) line.update(`${Math.max(0, Math.min(99, Math.floor(share * 100)))}%`);
      })
      .catch(() => undefined)
      .finally(() => {
        asking = false;
      });
  }, everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/**
 * A status of several lines that changes (`clientele sync` following the accounts). At a terminal
 * each version replaces the one before, in place, while it fits the window; elsewhere (a pipe, a
 * file, or a block taller than the window) each version is appended after a blank line.
 */
export class LiveBlock {
  /** Terminal rows of the version on screen, which the next one overwrites (0: none). */
  private shown = 0;

  constructor(private readonly stream: LineStream) {}

  show(text: string): void {
    // Rows on screen, not lines of text: a line wider than the window wraps onto the next rows.
    const columns = this.stream.columns || DEFAULT_COLUMNS;
    const rows = text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / columns)), 0);
    const inPlace = this.stream.isTTY === true && rows < (this.stream.rows || DEFAULT_ROWS);
    // The version on screen goes either way: a taller one is appended in its place.
    if (this.shown > 0) this.stream.write(`\u001b[${this.shown}F${CLEAR_TO_SCREEN_END}`);
    this.stream.write(inPlace ? `${text}\n` : `${text}\n\n`);
    this.shown = inPlace ? rows : 0;
  }
}

/** A terminal that does not say its size is taken to be this big. */
const DEFAULT_ROWS = 24;
const DEFAULT_COLUMNS = 80;
/** ANSI "erase from the cursor to the end of the screen". */
const CLEAR_TO_SCREEN_END = '\u001b[J';
/** ANSI "erase to the end of the line": a shorter status leaves nothing of a longer one behind. */
const CLEAR_TO_END = '\u001b[K';
