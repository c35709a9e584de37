/**
 * Compare mode: two versions of the model (any two; by default the two newest) drawn one above
 * the other, the older on top, with added, removed and changed steps and connections coloured,
 * and the changes listed with their fields. The diff itself comes from the server
 * (`GET /api/models/:key/diff`, `@baton/definition`'s `diffDefinitions`).
 *
 * @module
 */
import { BatonApiError, type VersionSummary } from '@baton/client';
import type { DefinitionDiff, ProcessDefinition } from '@baton/definition';
import { Alert, Checkbox, Empty, Select, Space, Spin, Tag } from 'antd';
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { client } from '../../lib/client.ts';
import { definitionToFlow } from '../definition-to-flow.ts';
import { localizedText } from '../describe.ts';
import { averageScore } from './assessment.ts';
import {
  type ChangeKind,
  type DiffEntry,
  type DiffIndex,
  fieldValueText,
  indexDiff,
  isKnownField,
  showsValues,
  stackOffset,
} from './diff-model.ts';
import { type FocusRequest, Legend, ReviewCanvas, type ReviewNode } from './review-canvas.tsx';

/** Vertical room between the two diagrams (their titles sit in it). */
const gap = 320;

interface Loaded {
  from: VersionSummary;
  to: VersionSummary;
  a: ProcessDefinition;
  b: ProcessDefinition;
  diff: DefinitionDiff;
}

function useLocale(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** The two diagrams stacked, nodes and edges prefixed `a:` (from) and `b:` (to), coloured by `index`. */
function stacked(loaded: Loaded, index: DiffIndex, locale: Language, title: (v: VersionSummary) => string) {
  const top = definitionToFlow(loaded.a, { locale });
  const bottom = definitionToFlow(loaded.b, { locale });
  const dy = stackOffset(
    top.nodes.map((n) => n.position.y),
    bottom.nodes.map((n) => n.position.y),
    gap,
  );
  const nodes: ReviewNode[] = [];
  const edges = [];
  for (const [prefix, flow, statuses, shift, version] of [
    ['a', top, index.from, 0, loaded.from],
    ['b', bottom, index.to, dy, loaded.to],
  ] as const) {
    const xs = flow.nodes.map((n) => n.position.x);
    const ys = flow.nodes.map((n) => n.position.y + shift);
    nodes.push({
      id: `${prefix}:title`,
      type: 'title',
      position: { x: Math.min(...xs) + 40, y: Math.min(...ys) - 110 },
      data: { title: title(version) },
      selectable: false,
      focusable: false,
    });
    for (const n of flow.nodes)
      nodes.push({
        ...n,
        id: `${prefix}:${n.id}`,
        position: { x: n.position.x, y: n.position.y + shift },
        className: `rv-tinted rv-diff-${statuses.get(n.id) ?? 'same'}`,
      });
    for (const e of flow.edges)
      edges.push({
        ...e,
        id: `${prefix}:${e.id}`,
        source: `${prefix}:${e.source}`,
        target: `${prefix}:${e.target}`,
        className: `rv-diff-${statuses.get(e.id) ?? 'same'}`,
      });
  }
  return { nodes, edges };
}

/** The compare mode for model `definition.key`. */
export function DiffView({ definition }: { definition: ProcessDefinition }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const key = definition.key;
  const [versions, setVersions] = useState<VersionSummary[] | undefined>(undefined);
  const [pick, setPick] = useState<{ from?: number; to?: number }>({});
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [includeLayout, setIncludeLayout] = useState(false);
  const [focus, setFocus] = useState<FocusRequest | undefined>(undefined);
  const [active, setActive] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    client.listVersions(key).then(
      (list) => {
        if (!live) return;
        const sorted = [...list].sort((x, y) => x.number - y.number);
        setVersions(sorted);
        const last = sorted[sorted.length - 1];
        const before = sorted[sorted.length - 2];
        if (last && before) setPick({ from: before.number, to: last.number });
      },
      (e: unknown) => live && setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK'),
    );
    return () => {
      live = false;
    };
  }, [key]);

  useEffect(() => {
    const { from, to } = pick;
    const vFrom = versions?.find((v) => v.number === from);
    const vTo = versions?.find((v) => v.number === to);
    if (!vFrom || !vTo || from === to) return;
    let live = true;
    setLoaded(undefined);
    Promise.all([
      client.diff(key, vFrom.number, vTo.number),
      client.getVersion(key, vFrom.number),
      client.getVersion(key, vTo.number),
    ]).then(
      ([d, a, b]) => {
        if (live)
          setLoaded({
            from: vFrom,
            to: vTo,
            a: a.definition as unknown as ProcessDefinition,
            b: b.definition as unknown as ProcessDefinition,
            diff: d.diff as DefinitionDiff,
          });
      },
      (e: unknown) => live && setError(e instanceof BatonApiError ? e.code : 'CLIENT_NETWORK'),
    );
    return () => {
      live = false;
    };
  }, [key, pick, versions]);

  const versionText = useCallback(
    (v: VersionSummary) => t('review.diff.version', { number: v.number, state: t(`review.diff.states.${v.state}`) }),
    [t],
  );
  const index = useMemo(
    () => (loaded ? indexDiff(loaded.diff, { includeLayout }) : undefined),
    [loaded, includeLayout],
  );
  const flow = useMemo(
    () => (loaded && index ? stacked(loaded, index, locale, versionText) : undefined),
    [loaded, index, locale, versionText],
  );
  const nodes = useMemo(
    () => flow?.nodes.map((n) => (active !== undefined && n.id.endsWith(`:${active}`) ? { ...n, selected: true } : n)),
    [flow, active],
  );

  const nameOf = useCallback(
    (entry: DiffEntry): string => {
      if (entry.element === 'node') return localizedText(entry.name, locale, entry.id);
      const side = entry.kind === 'removed' ? loaded?.a : loaded?.b;
      const edge = side?.edges.find((e) => e.id === entry.id);
      const node = (id: string | undefined) => {
        const n = side?.nodes.find((x) => x.id === id);
        return localizedText(n?.name, locale, id ?? '?');
      };
      return t('review.diff.edgeName', { from: node(edge?.from), to: node(edge?.to) });
    },
    [loaded, locale, t],
  );
  const valueText = useCallback(
    (field: string, value: unknown): string => {
      if (field === 'assessment') {
        const avg = averageScore(value ?? undefined);
        return avg === undefined ? t('review.diff.none') : t('review.assessment.average', { value: avg.toFixed(2) });
      }
      return fieldValueText(field, value, locale) ?? t('review.diff.none');
    },
    [locale, t],
  );
  const show = useCallback((entry: DiffEntry) => {
    const nodeId = entry.element === 'node' ? entry.id : undefined;
    setActive(nodeId);
    if (nodeId) setFocus({ id: `${entry.kind === 'removed' ? 'a' : 'b'}:${nodeId}` });
  }, []);

  const options = (versions ?? []).map((v) => ({ value: v.number, label: versionText(v) }));
  const kinds: ChangeKind[] = ['added', 'removed', 'changed'];

  let body;
  if (error) body = <Alert type="error" showIcon title={t('review.loadFailed', { code: error })} />;
  else if (versions && versions.length < 2) body = <Empty description={t('review.diff.needTwo')} />;
  else if (pick.from !== undefined && pick.from === pick.to) body = <Alert type="info" title={t('review.diff.same')} />;
  else if (!index || !loaded) body = <Spin description={t('review.diff.loading')} />;
  else
    body = (
      <>
        {index.entries.length === 0 && <Empty description={t('review.diff.noChanges')} />}
        {loaded.diff.process.length > 0 && (
          <div className="rv-note">
            {t('review.diff.processFields', {
              fields: loaded.diff.process
                .map((f) => (isKnownField(f.field) ? t(`review.diff.fields.${f.field}`) : f.field))
                .join(t('review.diff.separator')),
            })}
          </div>
        )}
        {(['node', 'edge'] as const).map((element) =>
          kinds.map((kind) => {
            const entries = index.entries.filter((e) => e.element === element && e.kind === kind);
            if (entries.length === 0) return null;
            return (
              <section key={`${element}-${kind}`} className="rv-group">
                <h4>
                  <span className={`rv-swatch rv-diff-${kind}`} aria-hidden="true" /> {t(`review.diff.kinds.${kind}`)} ·{' '}
                  {t(element === 'node' ? 'review.diff.nodes' : 'review.diff.edges')} ({entries.length})
                </h4>
                <ul className="rv-list">
                  {entries.map((entry) => (
                    <li
                      key={entry.id}
                      data-testid={`diff-entry-${entry.id}`}
                      data-kind={entry.kind}
                      className={active === entry.id ? 'is-active' : undefined}
                    >
                      <button type="button" className="rv-entry" onClick={() => show(entry)} title={t('review.focus')}>
                        <span className="rv-entry-name">{nameOf(entry)}</span>
                        <span className="rv-entry-id mono">{entry.id}</span>
                      </button>
                      {entry.fields.length > 0 && (
                        <ul className="rv-fields">
                          {entry.fields.map((f) => (
                            <li key={f.field} data-field={f.field}>
                              <span className="rv-field">
                                {isKnownField(f.field) ? t(`review.diff.fields.${f.field}`) : f.field}
                              </span>{' '}
                              {showsValues(f.field) && (
                                <span className="rv-field-change">
                                  {t('review.diff.fieldChange', {
                                    before: valueText(f.field, f.before),
                                    after: valueText(f.field, f.after),
                                  })}
                                </span>
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </li>
                  ))}
                </ul>
              </section>
            );
          }),
        )}
      </>
    );

  return (
    <div className="rv-view" data-testid="diff-view">
      {flow && nodes ? (
        <ReviewCanvas
          key={`${loaded?.from.number}-${loaded?.to.number}`}
          nodes={nodes}
          edges={flow.edges}
          focus={focus}
          onNodeClick={(id) => setActive(id.slice(2))}
          onPaneClick={() => setActive(undefined)}
          label={t('review.diff.region')}
          testId="diff-canvas"
        >
          <Legend
            title={t('review.legend')}
            items={(['added', 'removed', 'changed', 'same'] as const).map((k) => ({
              className: `rv-diff-${k}`,
              label: t(`review.diff.kinds.${k}`),
            }))}
          />
        </ReviewCanvas>
      ) : (
        <div className="rv-canvas rv-canvas-empty" />
      )}
      <aside className="rv-panel" aria-label={t('review.modes.diff')}>
        <Space wrap size={6} className="rv-controls">
          {(['from', 'to'] as const).map((side) => (
            <Fragment key={side}>
              <span>{t(`review.diff.${side}`)}</span>
              <Select
                aria-label={t(`review.diff.${side}`)}
                data-testid={`diff-${side}`}
                className="rv-version-select"
                value={pick[side]}
                options={options}
                onChange={(n) => setPick((p) => ({ ...p, [side]: n }))}
                popupMatchSelectWidth={false}
              />
            </Fragment>
          ))}
        </Space>
        <Checkbox
          checked={includeLayout}
          onChange={(e) => setIncludeLayout(e.target.checked)}
          data-testid="diff-layout"
        >
          {t('review.diff.includeLayout')}
        </Checkbox>
        {index && (
          <Space wrap size={4} data-testid="diff-counts">
            {kinds.map((k) => (
              <Tag key={k} className={`rv-tag rv-diff-${k}`}>
                {t(`review.diff.kinds.${k}`)} {index.counts[k]}
              </Tag>
            ))}
          </Space>
        )}
        {body}
      </aside>
    </div>
  );
}
