import { describe, expect, it } from 'vitest';
import { cycleHistogramOption, throughputOption } from './chart-options.ts';
import {
  comparePresets,
  compareQuery,
  formatMoney,
  formatNumber,
  formatPercent,
  mondayOf,
  parseCohort,
  readFilters,
  releaseMarkers,
  writeFilters,
} from './format.ts';

describe('analytics formats', () => {
  it('formats numbers, shares and amounts in both languages, with a dash for no data', () => {
    expect(formatNumber(1234.56, 'en')).toBe('1,234.6');
    expect(formatNumber(null, 'zh-CN')).toBe('—');
    expect(formatPercent(0.7857, 'en')).toBe('78.6%');
    expect(formatPercent(0.7857, 'zh-CN')).toBe('78.6%');
    expect(formatMoney(1215941, 'en')).toBe('¥1,215,941');
    expect(formatMoney(1215941, 'zh-CN')).toBe('¥1,215,941');
    expect(formatMoney(Number.NaN, 'en')).toBe('—');
  });

  it('keys an instant by the Monday (UTC) of its week', () => {
    expect(mondayOf('2026-11-09T01:00:00.000Z')).toBe('2026-11-09');
    expect(mondayOf('2026-11-15T23:59:00.000Z')).toBe('2026-11-09');
    expect(mondayOf('2026-11-16T00:00:00.000Z')).toBe('2026-11-16');
    expect(mondayOf('not a date')).toBeUndefined();
  });

  it('reads the filters from the address, leaving out what the API would refuse', () => {
    const params = new URLSearchParams('version=2&team=sales-east&cohort=x&from=2026-11-09&to=yesterday&model=m');
    expect(readFilters(params)).toEqual({ version: 2, team: 'sales-east', from: '2026-11-09' });
    expect(readFilters(new URLSearchParams('version=0&cohort=-3'))).toEqual({});
    const written = writeFilters(params, { version: 1, to: '2026-12-01' }, 'b');
    expect(written.get('bVersion')).toBe('1');
    expect(written.get('bTo')).toBe('2026-12-01');
    expect(written.get('model')).toBe('m');
    expect(readFilters(written, 'b')).toEqual({ version: 1, to: '2026-12-01' });
    expect(readFilters(writeFilters(written, {}, 'b'), 'b')).toEqual({});
  });

  it('builds the comparison query and the presets from the newest team pilot', () => {
    expect(compareQuery({ version: 1, from: '2026-11-09' }, { version: 2, team: 'sales-east' })).toEqual({
      aVersion: 1,
      aFrom: '2026-11-09',
      bVersion: 2,
      bTeam: 'sales-east',
    });
    const releases = [
      { version: 1, cohort: 'all', startedAt: '2026-06-01T01:00:00.000Z' },
      { version: 2, cohort: 'teams:sales-east,sales-west', startedAt: '2026-09-01T01:00:00.000Z' },
    ];
    expect(comparePresets(releases)).toEqual({
      pilotVsControl: {
        a: { version: 1, from: '2026-09-01' },
        b: { version: 2, team: 'sales-east', from: '2026-09-01' },
      },
      beforeAfter: { a: { team: 'sales-east', to: '2026-09-01' }, b: { team: 'sales-east', from: '2026-09-01' } },
    });
    expect(comparePresets([releases[0]!])).toBeUndefined();
    expect(parseCohort('share:10')).toEqual({ type: 'share', percent: 10 });
  });

  it('puts release markers on the weeks charted, and labels the charts with the texts given', () => {
    const weeks = [
      { week: '2026-11-02', started: 3, completed: 1 },
      { week: '2026-11-09', started: 4, completed: 2 },
    ];
    const releases = [
      { deploymentId: 1, version: 1, cohort: 'all', startedAt: '2026-01-05T01:00:00.000Z', endedAt: null },
      { deploymentId: 2, version: 2, cohort: 'teams:sales-east', startedAt: '2026-11-11T01:00:00.000Z', endedAt: null },
    ];
    const markers = releaseMarkers(releases, ['2026-11-02', '2026-11-09']);
    expect(markers).toEqual([{ week: '2026-11-09', version: 2, cohort: 'teams:sales-east' }]);
    const option = throughputOption(weeks, markers, {
      xName: '周',
      yName: '实例数',
      started: '发起',
      completed: '完成',
      release: (m) => `v${m.version}`,
      week: (w) => w.slice(5),
    });
    expect(option.legend).toMatchObject({ data: ['发起', '完成'] });
    const series = option.series as Array<{ data: number[]; markLine?: { data: unknown[] } }>;
    expect(series[0]!.data).toEqual([3, 4]);
    expect(series[0]!.markLine!.data).toEqual([{ name: 'v2', xAxis: '2026-11-09' }]);
    expect(series[1]!.data).toEqual([1, 2]);
    const cycle = cycleHistogramOption([{ fromDays: 0, toDays: 2, count: 5 }], {
      xName: 'x',
      yName: 'y',
      series: 's',
      bin: (from, to) => `${from}–${to} 天`,
    });
    expect(cycle.xAxis).toMatchObject({ name: 'x', data: ['0–2 天'] });
  });
});
