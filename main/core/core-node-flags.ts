/**
 * Node/V8 flags for every process that runs the core: the Electron utility process (execArgv), the
 * `clientele` command (bin/clientele.js's shebang) and browser mode (`npm start`). They must be on
 * the command line: V8 sizes its heap at start, and v8.setFlagsFromString afterwards changes nothing.
 *
 * A young generation of at most 4 MB per semi-space (V8's default lets it grow to 16 MB): an initial
 * sync allocates fast and briefly (fetched sources, parsed messages, rows), so the young generation
 * grew to its ceiling and stayed there. Measured on the 50,000-message IMAP bench mailbox,
 * `sync --once` back to back: peak RSS 276-278 MB with it against 294-303 MB without, wall time
 * 45.4-46.8 s against 45.4-47.8 s (more, cheaper scavenges; no loss seen).
 */
export const CORE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
