/**
 * rjsf's validator on @cfworker/json-schema: it interprets JSON Schema (draft 2020-12, as the service's forms
 * are written) instead of compiling it to code, so it runs under the gateway's Content-Security-Policy
 * (script-src 'self', no eval), where Ajv's generated functions are refused. Messages name the field's title
 * in the reader's language.
 */
import type { Schema as CfSchema } from '@cfworker/json-schema';
import { Validator } from '@cfworker/json-schema';
import type { CustomValidator, ErrorTransformer, RJSFSchema, RJSFValidationError, UiSchema, ValidationData, ValidatorType } from '@rjsf/utils';
import { createErrorHandler, getDefaultFormState, toErrorSchema, unwrapErrorHandler, validationDataMerge } from '@rjsf/utils';
import type { TFunction } from 'i18next';

type Json = Record<string, unknown>;

/** The schema node a JSON pointer ("#/properties/name/minLength") names, and its parent. */
function nodeAt(root: unknown, pointer: string): { node: unknown; parent: unknown } {
  const parts = pointer.replace(/^#\/?/, '').split('/').filter(Boolean).map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent: unknown = undefined;
  let node: unknown = root;
  for (const part of parts) {
    parent = node;
    node = node && typeof node === 'object' ? (node as Json)[part] : undefined;
  }
  return { node, parent };
}

/** Leaf keywords: the ones that say what is wrong (the applicators above them only repeat it). */
const APPLICATORS = new Set(['properties', 'items', 'prefixItems', 'allOf', '$ref', 'dependentSchemas', 'if', 'then', 'else', 'contains', 'unevaluatedProperties']);

export function createFormValidator(t: TFunction): ValidatorType {
  const cache = new WeakMap<object, Validator>();
  /** One compiled-once validator per schema object; a part of a schema gets the root's $defs for its refs. */
  const validatorFor = (schema: RJSFSchema, root: RJSFSchema = schema) => {
    let validator = cache.get(schema);
    if (!validator) {
      const withDefs = schema === root ? schema : { ...schema, $defs: (root as Json).$defs };
      validator = new Validator(withDefs as CfSchema, '2020-12', false);
      cache.set(schema, validator);
    }
    return validator;
  };

  const rawErrors = (schema: RJSFSchema, formData: unknown): RJSFValidationError[] => {
    const result = validatorFor(schema).validate(formData ?? {});
    const errors: RJSFValidationError[] = [];
    for (const unit of result.errors) {
      // A choice's branches each fail on their own; the choice (oneOf/anyOf) itself says it.
      if (APPLICATORS.has(unit.keyword) || /\/(oneOf|anyOf)\/\d+\//.test(unit.keywordLocation)) continue;
      let path = unit.instanceLocation.replace(/^#\/?/, '').split('/').filter(Boolean);
      const { node: limitNode, parent } = nodeAt(schema, unit.keywordLocation);
      const owner = parent as Json | undefined;
      let title = typeof owner?.title === 'string' ? owner.title : '';
      let message: string;
      if (unit.keyword === 'required') {
        const missing = /"([^"]+)"/.exec(unit.error)?.[1];
        if (!missing) continue;
        path = [...path, missing];
        const property = (owner?.properties as Json | undefined)?.[missing] as Json | undefined;
        title = typeof property?.title === 'string' ? property.title : missing;
        message = t('applications.formErrors.required');
      } else if (unit.keyword === 'const' && owner?.type === 'boolean') {
        message = t('applications.formErrors.mustConfirm');
      } else {
        const limit = typeof limitNode === 'number' ? limitNode : undefined;
        const known = ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'pattern', 'format', 'type', 'enum', 'oneOf', 'additionalProperties'];
        message = known.includes(unit.keyword)
          ? t(`applications.formErrors.${unit.keyword as 'minLength'}`, { limit })
          : t('applications.formErrors.invalid');
      }
      const property = path.length ? `.${path.join('.')}` : '';
      errors.push({ name: unit.keyword, property, message, params: {}, stack: title ? `${title}: ${message}` : message, schemaPath: unit.keywordLocation, title });
    }
    // One message per field and kind (oneOf reports every branch).
    return errors.filter((error, index) => errors.findIndex((other) => other.property === error.property && other.message === error.message) === index);
  };

  const validator: ValidatorType = {
    validateFormData(formData: unknown, schema: RJSFSchema, customValidate?: CustomValidator, transformErrors?: ErrorTransformer, uiSchema?: UiSchema): ValidationData<unknown> {
      let errors = rawErrors(schema, formData);
      if (transformErrors) errors = transformErrors(errors, uiSchema);
      const errorSchema = toErrorSchema(errors);
      if (!customValidate) return { errors, errorSchema };
      const data = getDefaultFormState(validator, schema, formData, schema, true);
      const userErrors = unwrapErrorHandler(customValidate(data, createErrorHandler(data), uiSchema, errorSchema));
      return validationDataMerge({ errors, errorSchema }, userErrors);
    },
    isValid(schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema) {
      return validatorFor(schema, rootSchema).validate(formData).valid;
    },
    rawValidation<Result>(schema: RJSFSchema, formData?: unknown) {
      return { errors: validatorFor(schema).validate(formData).errors as Result[] };
    },
  };
  return validator;
}

/** The schema with its English titles and descriptions (`x-title-en`, `x-description-en`) when the reader reads English. */
export function localizeSchema(schema: unknown, language: string): RJSFSchema {
  if (language.startsWith('zh')) return schema as RJSFSchema;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [key, inner] of Object.entries(value as Json)) out[key] = walk(inner);
    if (typeof out['x-title-en'] === 'string') out.title = out['x-title-en'];
    if (typeof out['x-description-en'] === 'string') out.description = out['x-description-en'];
    return out;
  };
  return walk(schema) as RJSFSchema;
}
