/** What a test may have started; any part may be missing (a set-up that failed halfway). */
export type StartedServices = {
  context?: { close(): Promise<unknown> } | null;
  app?: { stop(): Promise<unknown> } | null;
  browser?: { close(): Promise<unknown> } | null;
  imap?: { logout(): Promise<unknown> } | null;
  core?: { close(): Promise<unknown> } | null;
  dovecot?: { stop(): Promise<unknown> } | null;
  keyring?: { stop(): Promise<unknown> } | null;
  data?: { remove(): void } | null;
};

/**
 * Stops what a test started, in the reverse of the order it is started in: the browser side first,
 * then the IMAP client (whose logout may fail on a server already gone: ignored), the core, Dovecot,
 * the keyring, and last the data folder.
 */
export async function stopServices(started: StartedServices): Promise<void> {
  await started.context?.close();
  await started.app?.stop();
  await started.browser?.close();
  await started.imap?.logout().catch(() => undefined);
  await started.core?.close();
  await started.dovecot?.stop();
  await started.keyring?.stop();
  started.data?.remove();
}
