/**
 * Assessment mode (the seeds' step 2): the draft's nodes coloured by one of the four 1–5 scores,
 * their average, or the problem class, with a legend; a diagnosis panel listing the weakest
 * steps and the problems by class (clicking one selects and centres its node); and the
 * selected node's measured duration, scores, problems and notes, edited through the editor
 * store on a draft (each edit one undo step, typing coalesced).
 *
 * @module
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { type Assessment, type ProblemClass, type ProcessNode, problemClasses } from '@baton/definition';
import { Alert, Button, Empty, Input, Rate, Segmented, Select, Space, Tabs, Tag } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { definitionToFlow } from '../definition-to-flow.ts';
import { localizedText, timeSpanText } from '../describe.ts';
import { useEditor } from '../editor/store.ts';
import { DurationInput } from '../properties/DeadlineEditor.tsx';
import {
  type AssessmentOverlay,
  overlayClass,
  overlayFigure,
  patchAssessment,
  problemsByClass,
  scoreKeys,
  type ScoreKey,
  weakestSteps,
  withScore,
} from './assessment.ts';
import { type FocusRequest, Legend, ReviewCanvas, type ReviewNode } from './review-canvas.tsx';

const overlays: AssessmentOverlay[] = ['average', ...scoreKeys, 'problemClass'];

/** The step's assessment form; read-only on a published version. */
function StepAssessment({ node, locale }: { node: ProcessNode; locale: Language }) {
  const { t } = useTranslation();
  const { apply, readOnly } = useEditor();
  const a = node.assessment;
  const set = useCallback(
    (next: Assessment | undefined, labelKey: string, coalesce?: string, values: Record<string, { key: string }> = {}) =>
      apply(
        { node: node.id, patch: { assessment: next } },
        {
          key: `review.assessment.history.${labelKey}`,
          values: { name: { text: node.name, fallback: node.id }, ...values },
        },
        coalesce ? { coalesce: `assessment:${coalesce}:${node.id}` } : {},
      ),
    [apply, node.id, node.name],
  );
  const problems = a?.problems ?? [];
  const setProblems = (next: typeof problems, coalesce?: string) =>
    set(patchAssessment(a, { problems: next.length > 0 ? next : undefined }), 'problems', coalesce);
  const measured = a?.measuredDuration;
  return (
    <div className="rv-step" data-testid="assessment-step">
      <h4 className="rv-step-name">{localizedText(node.name, locale, node.id)}</h4>
      {readOnly && <Alert type="info" showIcon title={t('review.assessment.readOnly')} className="rv-gap" />}
      <div className="rv-label">{t('review.assessment.measured')}</div>
      {readOnly ? (
        <div>{measured ? timeSpanText(measured, locale) : t('review.assessment.measuredNone')}</div>
      ) : (
        <Space direction="vertical" size={4}>
          <DurationInput
            label={t('review.assessment.measured')}
            value={measured?.duration ?? 'PT0M'}
            onChange={(duration) =>
              set(patchAssessment(a, { measuredDuration: { ...measured, duration } }), 'measured', 'measured')
            }
          />
          <Space size={4}>
            <Segmented<'working' | 'clock'>
              size="small"
              value={measured?.time ?? 'working'}
              options={(['working', 'clock'] as const).map((m) => ({
                value: m,
                label: t(`review.assessment.timeMode.${m}`),
              }))}
              onChange={(time) =>
                set(
                  patchAssessment(a, {
                    measuredDuration: { duration: measured?.duration ?? 'PT0M', ...measured, time },
                  }),
                  'measured',
                )
              }
            />
            {measured && (
              <Button size="small" onClick={() => set(patchAssessment(a, { measuredDuration: undefined }), 'measured')}>
                {t('review.assessment.clearMeasured')}
              </Button>
            )}
          </Space>
        </Space>
      )}
      <div className="rv-label">{t('review.assessment.scores')}</div>
      <div className="rv-scores">
        {scoreKeys.map((k: ScoreKey) => (
          <div key={k} className="rv-score-row">
            <span>{t(`review.assessment.overlays.${k}`)}</span>
            <Rate
              count={5}
              value={a?.scores?.[k] ?? 0}
              disabled={readOnly}
              allowClear
              aria-label={t(`review.assessment.overlays.${k}`)}
              data-testid={`score-${k}`}
              onChange={(v) =>
                set(withScore(a, k, v === 0 ? undefined : v), 'score', undefined, {
                  score: { key: `review.assessment.overlays.${k}` },
                })
              }
            />
            <span className="rv-score-value">{a?.scores?.[k] ?? t('review.assessment.noScore')}</span>
          </div>
        ))}
      </div>
      <div className="rv-label">{t('review.assessment.problemList')}</div>
      {problems.length === 0 && <div className="rv-muted">{t('review.assessment.noProblems')}</div>}
      {problems.map((p, i) => (
        <div key={i} className="rv-problem-edit">
          <Space size={4} className="rv-problem-head">
            <Select<ProblemClass>
              size="small"
              value={p.class}
              disabled={readOnly}
              aria-label={t('review.assessment.overlays.problemClass')}
              options={problemClasses.map((c) => ({ value: c, label: t(`review.assessment.classes.${c}`) }))}
              onChange={(c) => setProblems(problems.map((q, j) => (j === i ? { ...q, class: c } : q)))}
              popupMatchSelectWidth={false}
            />
            {!readOnly && (
              <Button
                size="small"
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('review.assessment.removeProblem')}
                title={t('review.assessment.removeProblem')}
                onClick={() => setProblems(problems.filter((_, j) => j !== i))}
              />
            )}
          </Space>
          <Input.TextArea
            rows={2}
            value={p.note}
            readOnly={readOnly}
            aria-label={t('review.assessment.problemNote')}
            placeholder={t('review.assessment.problemNote')}
            onChange={(e) =>
              setProblems(
                problems.map((q, j) => (j === i ? { ...q, note: e.target.value } : q)),
                `problem-${i}`,
              )
            }
          />
        </div>
      ))}
      {!readOnly && (
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => setProblems([...problems, { class: 'processDesign', note: '' }])}
          data-testid="add-problem"
        >
          {t('review.assessment.addProblem')}
        </Button>
      )}
      <div className="rv-label">{t('review.assessment.notes')}</div>
      <Input.TextArea
        rows={3}
        value={a?.notes ?? ''}
        readOnly={readOnly}
        aria-label={t('review.assessment.notes')}
        onChange={(e) =>
          set(patchAssessment(a, { notes: e.target.value === '' ? undefined : e.target.value }), 'notes', 'notes')
        }
      />
    </div>
  );
}

/** Assessment mode over the draft open in the editor. */
export function AssessmentView() {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const { definition, selection, select } = useEditor();
  const [overlay, setOverlay] = useState<AssessmentOverlay>('average');
  const [tab, setTab] = useState<'diagnosis' | 'step'>('diagnosis');
  const [focus, setFocus] = useState<FocusRequest | undefined>(undefined);
  const selectedId = selection.nodes.length === 1 ? selection.nodes[0] : undefined;
  const selected = definition.nodes.find((n) => n.id === selectedId);

  const flow = useMemo(() => definitionToFlow(definition, { locale }), [definition, locale]);
  const nodes = useMemo((): ReviewNode[] => {
    const byId = new Map(definition.nodes.map((n) => [n.id, n]));
    return flow.nodes.map((n) => {
      const a = byId.get(n.id)?.assessment;
      const badge = overlayFigure(a, overlay);
      return {
        ...n,
        className: `rv-tinted ${overlayClass(a, overlay)}`,
        selected: n.id === selectedId,
        data: badge === undefined ? n.data : { ...n.data, badge },
      };
    });
  }, [flow, definition, overlay, selectedId]);
  const weakest = useMemo(() => weakestSteps(definition), [definition]);
  const groups = useMemo(() => problemsByClass(definition), [definition]);

  const show = useCallback(
    (id: string) => {
      select({ nodes: [id] });
      setFocus({ id });
    },
    [select],
  );
  const nameOf = (node: ProcessNode) => localizedText(node.name, locale, node.id);

  const legend =
    overlay === 'problemClass'
      ? [
          ...problemClasses.map((c) => ({ className: `rv-class-${c}`, label: t(`review.assessment.classes.${c}`) })),
          { className: 'rv-none', label: t('review.assessment.noProblem') },
        ]
      : [
          ...(['1', '2', '3', '4', '5'] as const).map((s) => ({
            className: `rv-score-${s}`,
            label: t('review.assessment.scoreLegend', { score: s, label: t(`review.assessment.scoreLabels.${s}`) }),
          })),
          { className: 'rv-none', label: t('review.noData') },
        ];

  const diagnosis = (
    <div data-testid="diagnosis">
      <h4>{t('review.assessment.weakest')}</h4>
      <div className="rv-muted">{t('review.assessment.weakestHint')}</div>
      {weakest.length === 0 ? (
        <Empty description={t('review.assessment.noWeak')} />
      ) : (
        <ol className="rv-list rv-weakest" data-testid="weakest-steps">
          {weakest.map((w) => (
            <li key={w.node.id} data-node={w.node.id} className={w.node.id === selectedId ? 'is-active' : undefined}>
              <button type="button" className="rv-entry" onClick={() => show(w.node.id)} title={t('review.focus')}>
                <span className="rv-entry-name">{nameOf(w.node)}</span>
                <Tag className={`rv-tag ${overlayClass(w.node.assessment, 'average')}`}>
                  {t('review.assessment.average', { value: w.average.toFixed(2) })}
                </Tag>
              </button>
              <div className="rv-entry-scores">
                {scoreKeys.map((k) => (
                  <span key={k} className="rv-entry-score">
                    {`${t(`review.assessment.overlays.${k}`)} ${w.node.assessment?.scores?.[k] ?? '–'}`}
                  </span>
                ))}
                {w.node.assessment?.measuredDuration && (
                  <span className="rv-entry-score">{timeSpanText(w.node.assessment.measuredDuration, locale)}</span>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      <h4>{t('review.assessment.problems')}</h4>
      {problemClasses.map((c) => (
        <section key={c} className="rv-group" data-testid={`problems-${c}`}>
          <h5>
            <span className={`rv-swatch rv-class-${c}`} aria-hidden="true" /> {t(`review.assessment.classes.${c}`)} (
            {groups[c].length})
          </h5>
          {groups[c].length === 0 ? (
            <div className="rv-muted">{t('review.assessment.noProblems')}</div>
          ) : (
            <ul className="rv-list">
              {groups[c].map((p, i) => (
                <li key={`${p.node.id}-${i}`} data-node={p.node.id}>
                  <button type="button" className="rv-entry" onClick={() => show(p.node.id)} title={t('review.focus')}>
                    <span className="rv-entry-name">{nameOf(p.node)}</span>
                  </button>
                  <div className="rv-note">{p.note}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );

  return (
    <div className="rv-view" data-testid="assessment-view">
      <ReviewCanvas
        nodes={nodes}
        edges={flow.edges}
        focus={focus}
        onNodeClick={(id) => {
          select({ nodes: [id] });
          setTab('step');
        }}
        onPaneClick={() => select({ nodes: [] })}
        label={t('review.assessment.region')}
        testId="assessment-canvas"
      >
        <Legend title={t('review.legendOf', { what: t(`review.assessment.overlays.${overlay}`) })} items={legend} />
      </ReviewCanvas>
      <aside className="rv-panel" aria-label={t('review.modes.assessment')}>
        <Space size={6} className="rv-controls">
          <span>{t('review.assessment.colourBy')}</span>
          <Select<AssessmentOverlay>
            aria-label={t('review.assessment.colourBy')}
            data-testid="assessment-overlay"
            value={overlay}
            onChange={setOverlay}
            options={overlays.map((o) => ({ value: o, label: t(`review.assessment.overlays.${o}`) }))}
            popupMatchSelectWidth={false}
          />
        </Space>
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as 'diagnosis' | 'step')}
          items={[
            { key: 'diagnosis', label: t('review.assessment.diagnosis'), children: diagnosis },
            {
              key: 'step',
              label: t('review.assessment.stepTab'),
              children: selected ? (
                <StepAssessment node={selected} locale={locale} />
              ) : (
                <Empty description={t('review.assessment.selectStep')} />
              ),
            },
          ]}
        />
      </aside>
    </div>
  );
}
