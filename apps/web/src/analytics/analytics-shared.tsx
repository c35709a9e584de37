/**
 * What the analytics pages share: the header with the page switch (dashboard, comparison, team,
 * simulation) and the model picker, the population filters, loading with errors, and exports.
 *
 * @module
 */
import { DownloadOutlined } from '@ant-design/icons';
import {
  type AnalyticsQuery,
  BatonApiError,
  type Deployment,
  type ExportQuery,
  type ProcessModel,
  type Team,
  type VersionSummary,
} from '@baton/client';
import { Alert, Button, Card, DatePicker, Segmented, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { localized } from '../designer/model-rows.ts';
import { isLanguage, type Language } from '../i18n/index.ts';
import { client } from '../lib/client.ts';
import { parseCohort, readFilters, writeFilters } from './format.ts';

/** The model the dashboard opens first (the sales example with its history). */
export const defaultModelKey = 'lead-to-after-sales';

/** The app's language (en when i18next has another). */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** What a load gives: the data, or the error code, while `loading` says whether it is under way. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` whenever `key` changes (the latest answer wins), keeping the last data meanwhile. */
export function useLoad<T>(load: (() => Promise<T>) | undefined, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: load !== undefined,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!load) return undefined;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (e: unknown) => {
        // A 401 is the session provider's to handle (it shows the login page).
        if (e instanceof BatonApiError && e.status === 401) return;
        if (live)
          setState({ data: undefined, error: e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK', loading: false });
      },
    );
    return () => {
      live = false;
    };
    // `key` stands for everything `load` depends on.
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** The error of a load, in the catalogue's words (403: who may read analytics). */
export function LoadError({ code, onRetry }: { code: string | null; onRetry: () => void }) {
  const { t } = useTranslation();
  if (code === null) return null;
  return (
    <Alert
      type={code === 'API_FORBIDDEN' ? 'warning' : 'error'}
      showIcon
      className="page-alert"
      data-testid="analytics-error"
      title={code === 'API_FORBIDDEN' ? t('analytics.forbidden') : t('analytics.loadFailed', { code })}
      action={code === 'API_FORBIDDEN' ? undefined : <Button onClick={onRetry}>{t('analytics.retry')}</Button>}
    />
  );
}

/** The model's versions, deployments and the teams: what the filters offer. */
export interface ModelContext {
  versions: VersionSummary[];
  deployments: Deployment[];
  teams: Team[];
}

/** The analytics pages' model (`?model=`, else {@link defaultModelKey}) and what its filters offer. */
export function useAnalyticsModel(): {
  modelKey: string;
  models: ProcessModel[];
  context: ModelContext | undefined;
  setModelKey: (key: string) => void;
} {
  const [params, setParams] = useSearchParams();
  const models = useLoad(() => client.listModels(), 'models');
  const list = models.data ?? [];
  const asked = params.get('model');
  const modelKey =
    asked ?? (list.length === 0 || list.some((m) => m.key === defaultModelKey) ? defaultModelKey : list[0]!.key);
  const context = useLoad(async (): Promise<ModelContext> => {
    const [versions, deployments, teams] = await Promise.all([
      client.listVersions(modelKey),
      client.listDeployments(modelKey),
      client.listTeams(),
    ]);
    return { versions, deployments, teams };
  }, `context:${modelKey}`);
  // Another model: its filters do not apply.
  const setModelKey = useCallback((key: string) => setParams(new URLSearchParams({ model: key })), [setParams]);
  return { modelKey, models: list, context: context.data, setModelKey };
}

const pages = [
  { path: '/analytics', label: 'analytics.pages.dashboard' },
  { path: '/analytics/compare', label: 'analytics.pages.compare' },
  { path: '/analytics/team', label: 'analytics.pages.team' },
  { path: '/analytics/simulation', label: 'analytics.pages.simulation' },
] as const;

/** The analytics header: title, the switch between the analytics pages, the model picker. */
export function AnalyticsHeader({
  title,
  modelKey,
  models,
  onModel,
  extra,
}: {
  title: string;
  modelKey: string;
  models: ProcessModel[];
  onModel: (key: string) => void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const location = useLocation();
  const navigate = useNavigate();
  const current = pages.find((p) => p.path === location.pathname)?.path ?? '/analytics';
  return (
    <div className="analytics-header">
      <Typography.Title level={3} className="page-title">
        {title}
      </Typography.Title>
      <div className="analytics-header-bar">
        <nav aria-label={t('analytics.pages.label')}>
          <Segmented
            value={current}
            options={pages.map((p) => ({ value: p.path, label: t(p.label) }))}
            onChange={(path) => void navigate(`${path}?${new URLSearchParams({ model: modelKey }).toString()}`)}
          />
        </nav>
        <Space wrap>
          {extra}
          <Select
            aria-label={t('analytics.model')}
            data-testid="analytics-model"
            className="analytics-model-select"
            // Until the models arrive it says so, rather than showing the model's key.
            value={models.length > 0 ? modelKey : undefined}
            loading={models.length === 0}
            placeholder={t('app.loading')}
            onChange={onModel}
            options={models.map((m) => ({ value: m.key, label: localized(m.name, language, m.key) }))}
            popupMatchSelectWidth={false}
          />
        </Space>
      </div>
    </div>
  );
}

/** The name of a team key in `language` (the key when the team is unknown). */
export function teamName(teams: readonly Team[] | undefined, key: string, language: Language): string {
  const team = teams?.find((t) => t.key === key);
  return team ? localized(team.name, language, key) : key;
}

/** A deployment's cohort in words: everyone, some teams, a share. */
export function useCohortText(teams: readonly Team[] | undefined): (cohort: string) => string {
  const { t } = useTranslation();
  const language = useLanguage();
  return (cohort) => {
    const parsed = parseCohort(cohort);
    if (parsed.type === 'teams')
      return t('analytics.cohortTeams', {
        teams: parsed.teams.map((k) => teamName(teams, k, language)).join(t('analytics.listSeparator')),
      });
    if (parsed.type === 'share') return t('analytics.cohortShare', { percent: parsed.percent });
    return t('analytics.cohortAll');
  };
}

/** The population filters: version, team, cohort (a deployment) and period. */
export function FilterBar({
  value,
  onChange,
  context,
  testId,
}: {
  value: AnalyticsQuery;
  onChange: (next: AnalyticsQuery) => void;
  context: ModelContext | undefined;
  testId?: string;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const cohortText = useCohortText(context?.teams);
  const set = (patch: Partial<AnalyticsQuery>) => {
    const next: AnalyticsQuery = { ...value, ...patch };
    for (const k of Object.keys(next) as Array<keyof AnalyticsQuery>) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  const versions = useMemo(
    () =>
      (context?.versions ?? [])
        .filter((v) => v.status !== 'draft')
        .sort((a, b) => a.number - b.number)
        .map((v) => ({
          value: v.number,
          label: t('analytics.versionOption', {
            number: v.number,
            state: v.state === 'current' ? t('analytics.stateCurrent') : t('analytics.stateTarget'),
          }),
        })),
    [context, t],
  );
  const period: [dayjs.Dayjs | null, dayjs.Dayjs | null] = [
    value.from ? dayjs(value.from) : null,
    value.to ? dayjs(value.to).subtract(1, 'day') : null,
  ];
  return (
    <div className="analytics-filters" data-testid={testId}>
      <Select
        allowClear
        aria-label={t('analytics.filters.version')}
        placeholder={t('analytics.filters.allVersions')}
        className="analytics-filter"
        value={value.version}
        options={versions}
        onChange={(v?: number) => set({ version: v })}
      />
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        aria-label={t('analytics.filters.team')}
        placeholder={t('analytics.filters.allTeams')}
        className="analytics-filter"
        value={value.team}
        options={(context?.teams ?? []).map((team) => ({
          value: team.key,
          label: localized(team.name, language, team.key),
        }))}
        onChange={(v?: string) => set({ team: v })}
      />
      <Select
        allowClear
        aria-label={t('analytics.filters.cohort')}
        placeholder={t('analytics.filters.allCohorts')}
        className="analytics-filter analytics-filter-wide"
        value={value.cohort}
        popupMatchSelectWidth={false}
        options={(context?.deployments ?? []).map((d) => ({
          value: d.id,
          label: t('analytics.cohortOption', {
            version: d.version,
            cohort: cohortText(
              d.cohort.type === 'teams'
                ? `teams:${d.cohort.teams.join(',')}`
                : d.cohort.type === 'share'
                  ? `share:${d.cohort.percent}`
                  : 'all',
            ),
          }),
        }))}
        onChange={(v?: number) => set({ cohort: v })}
      />
      <DatePicker.RangePicker
        allowEmpty={[true, true]}
        aria-label={t('analytics.filters.period')}
        placeholder={[t('analytics.filters.from'), t('analytics.filters.to')]}
        value={period}
        onChange={(range) => {
          const [from, to] = range ?? [null, null];
          set({
            from: from ? from.format('YYYY-MM-DD') : undefined,
            // The API's `to` is exclusive: the day after the last day picked.
            to: to ? to.add(1, 'day').format('YYYY-MM-DD') : undefined,
          });
        }}
      />
    </div>
  );
}

/** Saves `text` as a file named `name` (CSV gets a byte-order mark so spreadsheets read Chinese right). */
export function saveText(text: string, name: string, type: string): void {
  const body = type.startsWith('text/csv') && !text.startsWith('\ufeff') ? `\ufeff${text}` : text;
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A button that downloads an export of the API (a table as CSV, or the event log as CSV or XES). */
export function ExportButton({
  modelKey,
  query,
  table,
  format = 'csv',
  label,
  testId,
}: {
  modelKey: string;
  query: AnalyticsQuery;
  table: ExportQuery['table'];
  format?: 'csv' | 'xes';
  /** The button's text. @default the catalogue's CSV or XES */
  label?: string;
  /** @default `export-<table>` */
  testId?: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const text = await client.exportAnalytics(modelKey, { ...query, table, ...(format === 'xes' ? { format } : {}) });
      saveText(
        text,
        `${modelKey}-${table}.${format}`,
        format === 'xes' ? 'application/xml;charset=utf-8' : 'text/csv;charset=utf-8',
      );
    } catch (e) {
      setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      onClick={() => void run()}
      data-testid={testId ?? `export-${table}`}
      danger={error !== null}
      title={error !== null ? t('analytics.exportFailed', { code: error }) : undefined}
    >
      {label ?? (format === 'xes' ? t('analytics.exportXes') : t('analytics.exportCsv'))}
    </Button>
  );
}

/**
 * A card with one table of an analytics page: its title; a switch between two ways of counting
 * (working or clock time, per day present or in total) next to the table's CSV export; a note
 * under the title; then the table (`children`).
 */
export function TableSection<V extends string>({
  title,
  view,
  onView,
  views,
  viewTestId,
  modelKey,
  query,
  table,
  note,
  children,
}: {
  title: string;
  /** The way of counting chosen. */
  view: V;
  onView: (view: V) => void;
  views: { value: V; label: string }[];
  viewTestId?: string;
  modelKey: string;
  query: AnalyticsQuery;
  table: ExportQuery['table'];
  note: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card
      size="small"
      className="analytics-section"
      title={title}
      extra={
        <Space wrap>
          <Segmented
            size="small"
            value={view}
            onChange={onView}
            options={views}
            {...(viewTestId === undefined ? {} : { 'data-testid': viewTestId })}
          />
          <ExportButton modelKey={modelKey} query={query} table={table} />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" className="analytics-note">
        {note}
      </Typography.Paragraph>
      {children}
    </Card>
  );
}

/**
 * The population filters of a page, kept in its address (so a link shares them): the filters
 * read from it and a setter that writes them back, leaving the address's other parameters alone.
 */
export function useUrlFilters(): [AnalyticsQuery, (next: AnalyticsQuery) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  return [filters, (next) => setParams(writeFilters(params, next))];
}

/** The card under a page's header: the population filters, then what the page adds (`children`, its exports). */
export function FilterToolbar({
  value,
  onChange,
  context,
  children,
}: {
  value: AnalyticsQuery;
  onChange: (next: AnalyticsQuery) => void;
  context: ModelContext | undefined;
  children?: ReactNode;
}) {
  return (
    <Card size="small" className="analytics-toolbar">
      <FilterBar value={value} context={context} onChange={onChange} testId="analytics-filters" />
      {children}
    </Card>
  );
}
