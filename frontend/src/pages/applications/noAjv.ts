/**
 * @rjsf/core re-exports a test helper that imports @rjsf/validator-ajv8, which this app does not install: Ajv
 * compiles schemas with eval, which the gateway's Content-Security-Policy refuses (formValidator.ts is used
 * instead). Vite resolves that import here; the helper is never called, so nothing of it is bundled.
 */
export function customizeValidator(): never {
  throw new Error('Ajv is not available in this app: use createFormValidator (formValidator.ts)');
}

export default {};
