import type { ReactElement } from 'react';
import { ConfirmDialog } from '../../../../ui/ConfirmDialog.js';
import { messagesText, type BlockFlow } from './useBlockSender.js';

/** "Block X?" with how many stored messages go, asked before anything is deleted. */
export function BlockConfirmDialog({
  flow,
  onConfirm,
  onCancel,
}: {
  flow: BlockFlow;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactElement {
  const preview = flow.step === 'confirming' || flow.step === 'blocking' ? flow.preview : null;
  const what = preview?.kind === 'domain' ? `everything from ${preview.value}` : (preview?.value ?? 'this sender');
  return (
    <ConfirmDialog
      open={preview !== null}
      title={`Block ${what}?`}
      confirmLabel={preview && preview.messages > 0 ? `Block and delete ${messagesText(preview.messages)}` : 'Block'}
      danger
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p data-testid="block-confirm-count">
        {preview && preview.messages > 0
          ? `${messagesText(preview.messages)} from ${preview.kind === 'domain' ? `${preview.value} and its subdomains` : preview.value} will be deleted from this computer, and new mail from it will not be copied.`
          : `No stored message is from ${preview?.value ?? 'this sender'}; new mail from it will not be copied.`}
      </p>
      <p>
        Nothing is deleted from the server. Unblock it in Settings to bring its mail back at the next sync. It will not
        be made a contact while it is blocked.
      </p>
    </ConfirmDialog>
  );
}
