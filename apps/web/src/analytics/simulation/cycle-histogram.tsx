import { useTranslation } from 'react-i18next';

/** A small inline SVG histogram of cycle times (bins of calendar days); attributes only, no inline styles. */
export function CycleHistogram({ bins }: { bins: ReadonlyArray<{ fromDays: number; toDays: number; count: number }> }) {
  const { t } = useTranslation();
  const width = 320;
  const height = 90;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const w = bins.length > 0 ? width / bins.length : width;
  return (
    <svg
      className="simulation-histogram"
      viewBox={`0 0 ${width} ${height + 14}`}
      role="img"
      aria-label={t('simulation.histogram')}
    >
      {bins.map((b, i) => {
        const h = Math.round((b.count / max) * height);
        return (
          <rect key={i} x={i * w + 1} y={height - h} width={Math.max(1, w - 2)} height={h} fill="#1677ff">
            <title>{t('simulation.histogramLabel', { from: b.fromDays, to: b.toDays, count: b.count })}</title>
          </rect>
        );
      })}
      <line x1={0} y1={height} x2={width} y2={height} stroke="#bfbfbf" />
      {bins.length > 0 && (
        <>
          <text x={0} y={height + 12} fontSize={10} fill="#8c8c8c">
            0
          </text>
          <text x={width} y={height + 12} fontSize={10} fill="#8c8c8c" textAnchor="end">
            {bins[bins.length - 1]!.toDays}
          </text>
        </>
      )}
    </svg>
  );
}
