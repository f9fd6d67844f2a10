import i18n from 'i18next';
import { describe, expect, it } from 'vitest';

import '../../i18n';
import { FORM } from '../../test/applicationsFixtures';
import { createFormValidator, localizeSchema } from './formValidator';

describe('the form validator (no eval, draft 2020-12)', () => {
  const schema = FORM.json_schema as never;

  it("names each field's problem in Chinese, at its path", async () => {
    await i18n.changeLanguage('zh-CN');
    const validator = createFormValidator(i18n.t);
    const { errors, errorSchema } = validator.validateFormData({ achievements: '太短', discipline: 'law', declaration: false }, schema);
    const byField = Object.fromEntries(errors.map((error) => [error.property, error.message]));
    expect(byField['.applicant_name']).toBe('必填');
    expect(byField['.achievements']).toBe('至少 10 个字');
    expect(byField['.discipline']).toBe('请从选项中选择');
    expect(byField['.declaration']).toBe('请勾选确认');
    expect((errorSchema as unknown as { achievements: { __errors: string[] } }).achievements.__errors).toEqual(['至少 10 个字']);
  });

  it('finds nothing wrong with a complete form, and matches oneOf options for rjsf', async () => {
    const validator = createFormValidator(i18n.t);
    const data = { applicant_name: '张三', discipline: 'engineering', achievements: '主持省级课题一项，成果应用。', declaration: true };
    expect(validator.validateFormData(data, schema).errors).toEqual([]);
    const options = (FORM.json_schema.properties.discipline.oneOf as object[]).map((option) => validator.isValid(option as never, 'medicine', schema));
    expect(options).toEqual([false, true]);
  });

  it('reads English titles when the reader reads English', () => {
    const english = localizeSchema(FORM.json_schema, 'en') as { properties: { applicant_name: { title: string }; discipline: { oneOf: { title: string }[] } } };
    expect(english.properties.applicant_name.title).toBe('Name');
    expect(english.properties.discipline.oneOf[1]!.title).toBe('Medicine');
    expect(localizeSchema(FORM.json_schema, 'zh-CN')).toBe(FORM.json_schema);
  });
});
