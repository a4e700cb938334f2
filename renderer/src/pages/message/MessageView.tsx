import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { BlockResult } from '../../../../common/domain/blocklist.js';
import type { MailAddress, MessageDetail } from '../../../../common/domain/messages.js';
import type { AppErrorShape } from '../../../../common/errors.js';
import { Alert } from '../../../../ui/Alert.js';
import { Spinner } from '../../../../ui/Spinner.js';
import { call } from '../../api/call.js';
import { formatAbsolute } from '../../lib/format.js';
import { messagesText } from '../blocklist/useBlockSender.js';
import { BlockSenderAction } from './BlockSenderAction.js';
import { MESSAGE_FRAME_SANDBOX, messageFrameDocument } from './messageFrame.js';
import { sanitizeMailHtml } from './sanitizeMail.js';

type Load =
  { status: 'loading' } | { status: 'error'; error: AppErrorShape } | { status: 'loaded'; message: MessageDetail };

/**
 * One message: its headers, then the text as text, or the HTML sanitized inside a sandboxed frame.
 * Keyed by id where it is used, so another message starts from a fresh state.
 */
export function MessageView({ id }: { id: number }): ReactElement {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    void call('mail.get', { id }).then((result) => {
      if (!live) return;
      setLoad(result.ok ? { status: 'loaded', message: result.value } : { status: 'error', error: result.error });
    });
    return () => {
      live = false;
    };
  }, [id, attempt]);

  if (load.status === 'loading') {
    return (
      <div className="message-view message-view-state" data-testid="message-loading">
        <Spinner label="Loading the message" />
      </div>
    );
  }
  if (load.status === 'error') {
    return (
      <div className="message-view message-view-state">
        <Alert tone="error" title="This message could not be opened" testId="message-error">
          <p>{load.error.message}</p>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => {
              setLoad({ status: 'loading' });
              setAttempt((n) => n + 1);
            }}
          >
            Retry
          </button>
        </Alert>
      </div>
    );
  }
  return <LoadedMessage key={load.message.id} message={load.message} />;
}

function LoadedMessage({ message }: { message: MessageDetail }): ReactElement {
  const sender = message.from[0]?.address ?? null;
  // The sender's choice is kept in the store (mail.setImagesAllowed), so it holds after a restart.
  const [allowImages, setAllowImages] = useState(message.imagesAllowed);
  const [imageError, setImageError] = useState<string | null>(null);
  const chooseImages = async (allowed: boolean): Promise<void> => {
    if (!sender) return;
    const result = await call('mail.setImagesAllowed', { address: sender, allowed });
    if (result.ok) {
      setImageError(null);
      setAllowImages(result.value.allowed);
    } else setImageError(result.error.message);
  };
  const [blocked, setBlocked] = useState<BlockResult | null>(null);

  if (blocked) {
    // The message was deleted with the rest of the sender's mail.
    return (
      <div className="message-view message-view-state">
        <Alert tone="success" title={`${blocked.entry.value} is blocked`} testId="message-sender-blocked">
          <p>
            {blocked.removed === 1
              ? 'Its only message was deleted from this computer. Unblock it in Settings to bring it back.'
              : `${messagesText(blocked.removed)} from this sender were deleted from this computer, this one included. Unblock it in Settings to bring them back.`}
          </p>
        </Alert>
      </div>
    );
  }

  return (
    <article className="message-view" data-testid="message-view" data-message-id={message.id}>
      <header className="message-header">
        <div className="message-title-row">
          <h2 className="message-subject" data-testid="message-subject">
            {message.subject ?? '(no subject)'}
          </h2>
          {sender && message.direction === 'received' ? (
            <BlockSenderAction sender={sender} onBlocked={setBlocked} />
          ) : null}
        </div>
        <dl className="message-meta">
          <dt>From</dt>
          <dd data-testid="message-from">{formatAddresses(message.from)}</dd>
          {message.to.length > 0 ? (
            <>
              <dt>To</dt>
              <dd>{formatAddresses(message.to)}</dd>
            </>
          ) : null}
          {message.cc.length > 0 ? (
            <>
              <dt>Cc</dt>
              <dd>{formatAddresses(message.cc)}</dd>
            </>
          ) : null}
          <dt>Date</dt>
          <dd>{formatAbsolute(message.date)}</dd>
        </dl>
        {message.attachments.length > 0 ? (
          <ul className="message-attachments" aria-label="Attachments" data-testid="message-attachments">
            {message.attachments.map((attachment, index) => (
              <li key={`${attachment.partId ?? 'x'}-${index}`} className="message-attachment">
                {attachment.filename ?? attachment.contentType}
              </li>
            ))}
          </ul>
        ) : null}
      </header>
      {message.html !== null ? (
        <HtmlBody
          html={message.html}
          sender={sender}
          allowImages={allowImages}
          imageError={imageError}
          onChooseImages={(allowed) => void chooseImages(allowed)}
        />
      ) : message.text !== null ? (
        <pre className="message-text" data-testid="message-text">
          {message.text}
        </pre>
      ) : (
        <p className="message-empty">This message has no text.</p>
      )}
      {message.textTruncated ? (
        <p className="message-truncated">This message is long: only its first 256 KB were copied to this computer.</p>
      ) : null}
    </article>
  );
}

function HtmlBody({
  html,
  sender,
  allowImages,
  imageError,
  onChooseImages,
}: {
  html: string;
  sender: string | null;
  allowImages: boolean;
  imageError: string | null;
  onChooseImages: (allowed: boolean) => void;
}): ReactElement {
  const { document, remoteImages } = useMemo(() => {
    const blocked = sanitizeMailHtml(html, { allowRemoteImages: false });
    const shown = allowImages ? sanitizeMailHtml(html, { allowRemoteImages: true }).html : blocked.html;
    return { document: messageFrameDocument(shown, allowImages), remoteImages: blocked.blockedImages };
  }, [html, allowImages]);

  return (
    <>
      {remoteImages > 0 && !allowImages ? (
        <div className="message-images-blocked" data-testid="message-images-blocked">
          <span>Remote images are blocked to protect your privacy.</span>
          {sender ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              onClick={() => onChooseImages(true)}
              data-testid="message-show-images"
            >
              Show images from this sender
            </button>
          ) : null}
        </div>
      ) : null}
      {remoteImages > 0 && allowImages && sender ? (
        <div className="message-images-blocked" data-testid="message-images-shown">
          <span>Remote images from {sender} are shown.</span>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => onChooseImages(false)}
            data-testid="message-hide-images"
          >
            Block them again
          </button>
        </div>
      ) : null}
      {imageError ? (
        <Alert tone="error" title="The choice was not saved" testId="message-images-error">
          <p>{imageError}</p>
        </Alert>
      ) : null}
      <iframe
        className="message-frame"
        title="Message content"
        sandbox={MESSAGE_FRAME_SANDBOX}
        referrerPolicy="no-referrer"
        srcDoc={document}
        data-testid="message-frame"
      />
    </>
  );
}

function formatAddresses(addresses: MailAddress[]): string {
  return addresses.map((entry) => (entry.name ? `${entry.name} <${entry.address}>` : entry.address)).join(', ');
}
