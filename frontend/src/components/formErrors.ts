import type { FormInstance } from 'antd';

import { isApiError } from '../api/http';
import { currentLanguage } from '../i18n';

/**
 * Puts the field errors of a 422 problem on the matching form items
 * (`body.username` → `username`), and the message of a problem whose code
 * is about one field (e.g. `username_taken` → `username`, per `codeFields`)
 * on that field. Returns how many fields it marked; the ErrorAlert above the
 * form lists everything anyway.
 */
export function applyFieldErrors(form: FormInstance, error: unknown, codeFields: Record<string, string> = {}): number {
  if (!isApiError(error)) return 0;
  const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const byField = new Map<string, string[]>();
  for (const { field, message } of error.errors) {
    const name = field.replace(/^body\./, '');
    if (!known.has(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), message]);
  }
  const codeField = error.code ? codeFields[error.code] : undefined;
  const message = error.localizedDetail(currentLanguage());
  if (codeField && known.has(codeField) && message && !byField.has(codeField)) byField.set(codeField, [message]);
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size;
}
