import { Button } from 'antd';
import { useTranslation } from 'react-i18next';

export interface PagerProps {
  page: number;
  size: number;
  total: number;
  onChange: (page: number) => void;
  testId?: string;
}

/** Pages with numbers a screen reader announces ("第 2 页，当前页"); hidden when everything fits on one page. */
export default function Pager({ page, size, total, onChange, testId = 'pager' }: PagerProps) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / size));
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((number) => number >= 1 && number <= pages).sort((a, b) => a - b);
  return (
    <nav aria-label={t('common.pagination.label')} data-testid={testId}>
      <ul className="tpp-pager">
        <li>
          <span className="tpp-secondary">{t('common.pagination.total', { total })}</span>
        </li>
        <li>
          <Button size="small" disabled={page <= 1} onClick={() => onChange(page - 1)}>
            {t('common.pagination.previous')}
          </Button>
        </li>
        {shown.map((number, index) => (
          <li key={number}>
            {index > 0 && number - shown[index - 1]! > 1 && <span aria-hidden="true">… </span>}
            <Button
              size="small"
              type={number === page ? 'primary' : 'default'}
              aria-current={number === page ? 'page' : undefined}
              aria-label={t('common.pagination.page', { page: number })}
              onClick={() => onChange(number)}
            >
              {number}
            </Button>
          </li>
        ))}
        <li>
          <Button size="small" disabled={page >= pages} onClick={() => onChange(page + 1)}>
            {t('common.pagination.next')}
          </Button>
        </li>
      </ul>
    </nav>
  );
}
