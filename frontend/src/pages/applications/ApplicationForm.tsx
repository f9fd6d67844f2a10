/** The programme's application form, rendered by rjsf (antd theme) from the same JSON Schema the service checks. */
import Form from '@rjsf/antd';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import type { ApiError } from '../../api/http';
import { isApiError } from '../../api/http';
import { createFormValidator, localizeSchema } from './formValidator';

export interface ApplicationFormProps {
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  formData: Record<string, unknown>;
  onChange?: (data: Record<string, unknown>) => void;
  readOnly: boolean;
  /** The service's 422 form_invalid: each `body.form_data.<path>` problem shown at its field. */
  serverError?: unknown;
}

function serverErrors(error: unknown): ErrorSchema | undefined {
  if (!isApiError(error)) return undefined;
  const out: Record<string, unknown> = {};
  for (const problem of (error as ApiError).errors) {
    const path = problem.field.replace(/^body\.form_data\.?/, '');
    if (path === problem.field) continue;
    let node = out;
    for (const part of path.split('.').filter(Boolean)) node = (node[part] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(problem.message);
  }
  return Object.keys(out).length ? (out as ErrorSchema) : undefined;
}

export default function ApplicationForm({ schema, uiSchema, formData, onChange, readOnly, serverError }: ApplicationFormProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const validator = useMemo(() => createFormValidator(t), [t]);
  const localized = useMemo(() => localizeSchema(schema, language), [schema, language]);
  const ui: UiSchema = { ...(uiSchema as UiSchema), 'ui:submitButtonOptions': { norender: true } };
  return (
    <div data-testid="application-form" data-status={readOnly ? 'read-only' : 'editable'}>
      <Form
        schema={localized as RJSFSchema}
        uiSchema={ui}
        formData={formData}
        validator={validator}
        readonly={readOnly}
        showErrorList={false}
        noHtml5Validate
        liveValidate={false}
        extraErrors={serverErrors(serverError)}
        onChange={(event) => onChange?.((event.formData ?? {}) as Record<string, unknown>)}
      />
    </div>
  );
}
