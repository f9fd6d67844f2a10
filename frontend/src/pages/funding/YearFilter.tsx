import { useTranslation } from 'react-i18next';

/** The fiscal year a funding page's address asks for (`?year=`), if any. */
export function fiscalYearOf(search: URLSearchParams): number | undefined {
  const year = Number(search.get('year'));
  return Number.isInteger(year) && year > 2000 ? year : undefined;
}

/** The fiscal-year filter of the funding pages: every year the report knows, or all years. */
export default function YearFilter({ years, value, onChange, testId }: {
  years: number[];
  value: number | undefined;
  onChange: (year: string | undefined) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <label className="tpp-facet">
      <span>{t('funding.year')}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)} data-testid={testId}>
        <option value="">{t('funding.allYears')}</option>
        {years.map((year) => (
          <option key={year} value={year}>
            {year}
          </option>
        ))}
      </select>
    </label>
  );
}
