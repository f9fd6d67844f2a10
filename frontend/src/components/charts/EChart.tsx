/**
 * One ECharts chart, with only the pieces the dashboard uses (bars, pies, their axes, tooltips and
 * legends, drawn as SVG), so the charts' code stays small. This module is loaded lazily by the pages
 * that draw charts. The chart is one image to assistive technology (its `summary`); the numbers and
 * links it shows are also in a table beside it (see ChartCard).
 */
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { init, use } from 'echarts/core';
import type { BarSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<BarSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export interface ChartClick {
  dataIndex: number;
  seriesIndex: number;
  name: string;
}

export interface EChartProps {
  option: ChartOption;
  height: number;
  summary: string;
  onClick?: (event: ChartClick) => void;
  testId?: string;
}

export default function EChart({ option, height, summary, onClick, testId }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const instance = init(element, undefined, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (event) => {
      clickRef.current?.({ dataIndex: event.dataIndex, seriesIndex: event.seriesIndex ?? 0, name: event.name });
    });
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return (
    <div
      ref={container}
      role="img"
      aria-label={summary}
      style={{ width: '100%', height, cursor: onClick ? 'pointer' : undefined }}
      data-testid={testId}
    />
  );
}
