import { Alert, Button, Flex, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface SecretModalProps {
  /** The secret to show; the modal is there while it is set. */
  secret: string | null;
  title: ReactNode;
  intro: ReactNode;
  warning: ReactNode;
  doneLabel: ReactNode;
  onDone: () => void;
  testId: string;
}

/**
 * Shows a secret the server will never send again (an API key, a generated
 * password) with a copy button and a once-only warning. It only closes through
 * the explicit "saved it" button, so a stray click cannot lose the secret.
 */
export default function SecretModal({ secret, title, intro, warning, doneLabel, onDone, testId }: SecretModalProps) {
  const { t } = useTranslation();
  // Unmounted (not just hidden) once done, so the secret leaves the page at once: a closing
  // Modal keeps its last content in the DOM until its animation ends.
  if (secret === null) return null;
  return (
    <Modal
      open
      title={title}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" onClick={onDone} data-testid={`${testId}-done`}>
          {doneLabel}
        </Button>
      }
    >
      <Flex vertical gap={12} data-testid={testId}>
        <Alert type="warning" showIcon title={warning} data-testid={`${testId}-warning`} />
        <Typography.Text>{intro}</Typography.Text>
        <Flex gap={8} align="flex-start">
          <code className="tpp-secret" data-testid={`${testId}-value`}>
            {secret}
          </code>
          <Typography.Text copyable={{ text: secret, tooltips: [t('common.copy'), t('common.copied')] }} />
        </Flex>
      </Flex>
    </Modal>
  );
}
