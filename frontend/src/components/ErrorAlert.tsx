import { Alert, Button, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { isApiError } from '../api/http';

export interface ErrorAlertProps {
  error: unknown;
  /** When given, a retry button is shown. */
  onRetry?: () => void;
  /** Overrides the alert title (e.g. "Could not load service status"). */
  title?: ReactNode;
}

/**
 * Renders an API failure. For an ApiError carrying an RFC 9457 problem+json
 * body it shows the server's message (from `messages` in the UI language when
 * the server sent one per language, else title and detail), the machine code
 * and every field error; otherwise a translated message for network,
 * invalid-response or plain HTTP failures.
 */
export default function ErrorAlert({ error, onRetry, title }: ErrorAlertProps) {
  const { t, i18n } = useTranslation();

  let heading: ReactNode = title ?? t('common.error.title');
  const lines: ReactNode[] = [];
  let code: string | undefined;
  let requestId: string | undefined;
  let fieldErrors: { field: string; message: string }[] = [];

  if (isApiError(error)) {
    code = error.code;
    requestId = error.requestId;
    fieldErrors = error.errors;
    if (error.code === 'network_error') {
      lines.push(t('common.error.network'));
    } else if (error.code === 'invalid_response') {
      lines.push(t('common.error.invalidResponse'));
    } else if (error.problem?.messages) {
      // The platform's problems carry the message in every language; `title` is then only the
      // English HTTP phrase, so the translated heading is used and the message follows the UI language.
      const message = error.localizedDetail(i18n.resolvedLanguage ?? i18n.language);
      lines.push(message ?? t('common.error.http', { status: error.status }));
    } else {
      const summary = error.title ?? t('common.error.http', { status: error.status });
      if (title === undefined) heading = summary;
      else lines.push(summary);
      if (error.detail) lines.push(error.detail);
    }
  } else {
    lines.push(t('common.error.unknown'));
  }

  const description = (
    <div>
      {lines.map((line, index) => (
        <Typography.Paragraph key={index} style={{ marginBottom: 4 }} data-testid="error-line">
          {line}
        </Typography.Paragraph>
      ))}
      {fieldErrors.length > 0 && (
        <>
          <Typography.Text strong>{t('common.error.fieldErrors')}</Typography.Text>
          <ul style={{ margin: '4px 0' }} data-testid="error-fields">
            {fieldErrors.map((fieldError, index) => (
              <li key={`${fieldError.field}-${index}`}>
                {fieldError.field
                  ? t('common.error.fieldError', { field: fieldError.field, message: fieldError.message })
                  : fieldError.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {code && code !== 'http_error' && (
        <Typography.Text type="secondary" data-testid="error-code">
          {t('common.error.code', { code })}
        </Typography.Text>
      )}
      {requestId && (
        <div>
          <Typography.Text type="secondary" data-testid="error-request-id">
            {t('common.error.requestId', { id: requestId })}
          </Typography.Text>
        </div>
      )}
    </div>
  );

  return (
    <div data-testid="error-alert" data-error-code={code ?? ''}>
      <Alert
        type="error"
        showIcon
        title={heading}
        description={description}
        action={
          onRetry ? (
            <Button size="small" danger onClick={onRetry}>
              {t('common.retry')}
            </Button>
          ) : undefined
        }
      />
    </div>
  );
}
