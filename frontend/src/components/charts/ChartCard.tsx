import type { ReactNode } from 'react';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

import type { ChartClick, ChartOption } from './EChart';
import './ChartCard.css';

const EChart = lazy(() => import('./EChart'));

export interface ChartTable {
  headers: string[];
  rows: { key: string; cells: ReactNode[] }[];
}

export interface ChartCardProps {
  title: string;
  /** One sentence a screen reader reads for the picture. */
  summary: string;
  option: ChartOption;
  height: number;
  onClick?: (event: ChartClick) => void;
  /** The chart's numbers, with links, for keyboard and screen-reader users (and anyone who wants them). */
  table: ChartTable;
  extra?: ReactNode;
  testId: string;
}

/** A chart in a card; clicking a bar or slice opens the list it summarises, and the same links are in its data table. */
export default function ChartCard({ title, summary, option, height, onClick, table, extra, testId }: ChartCardProps) {
  const { t } = useTranslation();
  return (
    <section className="tpp-panel tpp-chart-card" aria-label={title} data-testid={testId}>
      <div className="tpp-panel-head">
        <h3 className="tpp-panel-title">{title}</h3>
        {extra}
      </div>
      <Suspense fallback={<div className="tpp-chart-placeholder" style={{ height }} />}>
        <EChart option={option} height={height} summary={summary || title} onClick={onClick} testId={`${testId}-chart`} />
      </Suspense>
      <details className="tpp-chart-data">
        <summary>{t('home.dashboard.showData')}</summary>
        <div className="tpp-chart-table-scroll">
          <table className="tpp-chart-table" data-testid={`${testId}-table`}>
            <caption className="tpp-visually-hidden">{title}</caption>
            <thead>
              <tr>
                {table.headers.map((header) => (
                  <th key={header} scope="col">
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row) => (
                <tr key={row.key}>
                  {row.cells.map((cell, index) => (index === 0 ? <th key={index} scope="row">{cell}</th> : <td key={index}>{cell}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
