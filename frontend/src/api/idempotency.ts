/**
 * A fresh Idempotency-Key for one intended write. A form makes one when it opens and sends it with every
 * attempt, so a double click or a retry after a lost answer files the record once.
 * (crypto.randomUUID needs a secure context; getRandomValues works on plain http too.)
 */
export function newIdempotencyKey(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
