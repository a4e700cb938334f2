/**
 * Chart colours and text as CSS variables (styles.css defines them for light and dark), so a theme
 * change restyles the SVG without re-rendering: recharts passes these through as SVG attributes.
 */
export const CHART = {
  sent: 'var(--chart-1)',
  received: 'var(--chart-2)',
  value: 'var(--chart-1)',
  grid: 'var(--border)',
  axis: 'var(--border-strong)',
  tick: { fill: 'var(--text-secondary)', fontSize: 12 },
  cursor: { fill: 'var(--hover)' },
  tooltip: {
    contentStyle: {
      background: 'var(--surface)',
      border: '1px solid var(--border)',
      borderRadius: 8,
      color: 'var(--text)',
      fontSize: 13,
    },
    labelStyle: { color: 'var(--text)', fontWeight: 600 },
    itemStyle: { color: 'var(--text)' },
  },
} as const;
