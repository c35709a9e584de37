/**
 * The properties panel of the designer: everything about the selected step or connection, in
 * plain Chinese and English, in collapsible sections (basics, owner, form, conditions, deadline,
 * settings) that fit a narrow side panel.
 *
 * It plugs into any editor store: it reads `definition` and `selection` and reports each edit as
 * `onChange(updater, label)`, an updater from one definition to the next plus a label for the
 * undo history. Without `onChange` it is read-only (the published versions' view).
 *
 * @module
 */
import type { Edge, ProcessDefinition, ProcessNode } from '@baton/definition';
import { Alert, Checkbox, Collapse, Empty, Form, Input, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { localizedText } from '../describe.ts';
import { kindIcons } from '../flow-nodes.tsx';
import { NodePanel } from '../node-panel.tsx';
import { problemsAt, type Problem, type PropertySection } from '../validation/problems.ts';
import { AutomaticEditor } from './AutomaticEditor.tsx';
import { CcEditor } from './CcEditor.tsx';
import { DeadlineEditor } from './DeadlineEditor.tsx';
import {
  declaredFields,
  findEdge,
  findNode,
  knownFieldNames,
  updateEdge,
  updateNode,
  withFieldPermission,
  withLocalized,
  withProperty,
  type DefinitionChange,
  type DesignerSelection,
} from './edits.ts';
import { FeelInput } from './FeelInput.tsx';
import { FormBuilder } from './FormBuilder.tsx';
import { MultiInstanceEditor } from './MultiInstanceEditor.tsx';
import { OwnerEditor } from './OwnerEditor.tsx';
import { ProblemLines } from './ProblemLines.tsx';
import { SignersEditor } from './SignersEditor.tsx';
import { useDirectory, type Directory } from './use-directory.ts';
import './properties.css';

/** Where the panel should go: a problem's section and field, re-applied whenever `nonce` changes. */
export interface PropertiesFocus {
  elementId: string;
  section: PropertySection;
  /** The field inside the element (`/owner`, `/trigger/condition`). */
  field: string;
  nonce: number;
}

/** Props of {@link PropertiesPanel}. */
export interface PropertiesPanelProps {
  definition: ProcessDefinition;
  selection: DesignerSelection;
  /** Reports an edit; without it the panel is read-only. */
  onChange?: DefinitionChange;
  locale: Language;
  /** The problems of the last validation, to show beside the fields. */
  problems?: readonly Problem[];
  /** Opens the tab of a problem and focuses its field. */
  focus?: PropertiesFocus;
  /** The users, roles, teams and calendars; loaded through `@baton/client` when not given. */
  directory?: Directory;
}

/** The tabs each node kind has. */
function sectionsOf(node: ProcessNode): PropertySection[] {
  const out: PropertySection[] = ['basics'];
  if (node.type === 'userTask' || node.owner) out.push('owner');
  if (node.type === 'userTask' || node.type === 'start' || node.outputs || node.inputs) out.push('form');
  if (node.type !== 'start') out.push('conditions');
  if (['userTask', 'automaticTask', 'event', 'subProcess', 'timer'].includes(node.type) || node.deadline)
    out.push('deadline');
  if (node.type === 'automaticTask' || node.type === 'timer' || node.type === 'event') out.push('automatic');
  return out;
}

/** Focuses the first input under `[data-path]` matching `field` (longest prefix wins) inside `root`. */
function focusField(root: HTMLElement | null, field: string): void {
  if (!root) return;
  const candidates = [...root.querySelectorAll<HTMLElement>('[data-path]')].filter((el) => {
    const path = el.dataset.path ?? '';
    return field === path || field.startsWith(`${path}/`);
  });
  candidates.sort((a, b) => (b.dataset.path ?? '').length - (a.dataset.path ?? '').length);
  const input = candidates[0]?.querySelector<HTMLElement>('input:not([disabled]), textarea:not([disabled])');
  input?.focus();
}

/** The properties of the one selected node or edge. */
export function PropertiesPanel(props: PropertiesPanelProps) {
  const { t } = useTranslation();
  const { definition, selection } = props;
  const ownDirectory = useDirectory();
  const directory = props.directory ?? ownDirectory;
  const count = selection.nodes.length + selection.edges.length;
  if (count === 0)
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={props.onChange ? t('properties.selectHint') : t('designer.selectHint')}
      />
    );
  if (count > 1)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('properties.manySelected', { count })} />;
  const nodeId = selection.nodes[0];
  if (nodeId !== undefined) {
    const node = findNode(definition, nodeId);
    if (!node) return <Alert type="warning" showIcon title={t('properties.notFound')} />;
    if (!props.onChange) return <NodePanel definition={definition} node={node} locale={props.locale} />;
    return <NodeProperties {...props} node={node} directory={directory} />;
  }
  const found = findEdge(definition, selection.edges[0]!);
  if (!found) return <Alert type="warning" showIcon title={t('properties.notFound')} />;
  return <EdgeProperties {...props} edge={found.edge} scopeNodes={found.scope.nodes} />;
}

function NameInputs({
  value,
  onChange,
  kind,
}: {
  value: ProcessNode['name'];
  onChange?: (language: 'zh-CN' | 'en', text: string) => void;
  kind: 'name' | 'description';
}) {
  const { t } = useTranslation();
  const labels =
    kind === 'name'
      ? { zh: t('properties.basics.nameZh'), en: t('properties.basics.nameEn') }
      : { zh: t('properties.basics.descriptionZh'), en: t('properties.basics.descriptionEn') };
  const Field = kind === 'name' ? Input : Input.TextArea;
  return (
    <div data-path={`/${kind}`}>
      <Form.Item label={labels.zh} className="props-item">
        <Field
          aria-label={labels.zh}
          data-testid={`${kind}-zh`}
          value={value?.['zh-CN'] ?? ''}
          disabled={!onChange}
          onChange={(e) => onChange?.('zh-CN', e.target.value)}
        />
      </Form.Item>
      <Form.Item label={labels.en} className="props-item">
        <Field
          aria-label={labels.en}
          data-testid={`${kind}-en`}
          value={value?.en ?? ''}
          disabled={!onChange}
          onChange={(e) => onChange?.('en', e.target.value)}
        />
      </Form.Item>
    </div>
  );
}

function NodeProperties({
  definition,
  node,
  onChange,
  locale,
  problems = [],
  focus,
  directory,
}: PropertiesPanelProps & { node: ProcessNode; directory: Directory }) {
  const { t } = useTranslation();
  const sections = sectionsOf(node);
  const [open, setOpen] = useState<PropertySection[]>(() =>
    node.type === 'userTask' && !node.owner ? ['basics', 'owner'] : ['basics'],
  );
  const root = useRef<HTMLDivElement>(null);
  const known = useMemo(() => knownFieldNames(definition), [definition]);
  const fields = useMemo(() => declaredFields(definition).map((f) => f.name), [definition]);
  const mine = problems.filter((p) => p.element?.id === node.id);

  // A click on a problem opens its tab and focuses its field.
  useEffect(() => {
    if (!focus || focus.elementId !== node.id) return;
    setOpen((o) => (o.includes(focus.section) ? o : [...o, focus.section]));
    const timer = window.setTimeout(() => focusField(root.current, focus.field), 50);
    return () => window.clearTimeout(timer);
  }, [focus, node.id]);

  const edit = (update: (n: ProcessNode) => ProcessNode, label: keyof ReturnType<typeof undoLabels>) =>
    onChange?.((d) => updateNode(d, node.id, update), undoLabels(t)[label]);
  const at = (prefix: string) => problemsAt(problems, node.id, prefix);
  const tabProblems = (section: PropertySection) => mine.filter((p) => p.section === section);

  const tabs: Record<PropertySection, React.ReactNode> = {
    basics: (
      <>
        <Form.Item label={t('properties.basics.kind')} className="props-item">
          <span className="panel-kind">
            {kindIcons[node.type]} {t(`designer.kinds.${node.type}`)}
          </span>
          <span className="mono props-id">{node.id}</span>
        </Form.Item>
        <NameInputs
          kind="name"
          value={node.name}
          onChange={
            onChange &&
            ((lang, text) => edit((n) => withProperty(n, 'name', withLocalized(n.name, lang, text)), 'name'))
          }
        />
        <NameInputs
          kind="description"
          value={node.description}
          onChange={
            onChange &&
            ((lang, text) =>
              edit((n) => withProperty(n, 'description', withLocalized(n.description, lang, text)), 'description'))
          }
        />
        {node.type === 'end' && (
          <Checkbox
            checked={node.terminate === true}
            onChange={(e) =>
              edit((n) => withProperty(n as typeof node, 'terminate', e.target.checked ? true : undefined), 'terminate')
            }
          >
            {t('properties.basics.terminate')}
          </Checkbox>
        )}
        <ProblemLines problems={tabProblems('basics')} />
      </>
    ),
    owner: (
      <div data-path="/owner">
        <ProblemLines problems={at('/owner')} />
        {node.type === 'userTask' && node.signers && !node.owner ? (
          <p className="props-note">{t('properties.signers.replacesOwner')}</p>
        ) : (
          <OwnerEditor
            value={node.owner}
            onChange={onChange && ((owner) => edit((n) => withProperty(n, 'owner', owner), 'owner'))}
            directory={directory}
            fields={fields}
            locale={locale}
          />
        )}
        {directory.error && (
          <Alert type="warning" showIcon title={t('properties.owner.directoryFailed', { code: directory.error })} />
        )}
        {node.type === 'userTask' && (
          <>
            <Typography.Title level={5} className="props-subtitle">
              {t('properties.signers.title')}
            </Typography.Title>
            <SignersEditor
              node={node}
              onEdit={onChange && ((update) => edit(update, 'signers'))}
              directory={directory}
              fields={fields}
              locale={locale}
            />
            <MultiInstanceEditor
              node={node}
              onEdit={onChange && ((update) => edit(update, 'multiInstance'))}
              fields={fields}
              knownFields={known}
              problems={at('/multiInstance')}
            />
            <CcEditor
              node={node}
              onEdit={onChange && ((update) => edit(update, 'cc'))}
              directory={directory}
              locale={locale}
            />
            <ProblemLines
              problems={[
                ...at('/cc'),
                ...at('/multiInstance').filter((p) => !p.field.startsWith('/multiInstance/completionCondition')),
              ]}
            />
          </>
        )}
      </div>
    ),
    form: (
      <FormBuilder
        definition={definition}
        node={node}
        problems={[...at('/outputs'), ...at('/inputs')]}
        onOutputs={onChange && ((outputs) => edit((n) => withProperty(n, 'outputs', outputs), 'form'))}
        onPermission={
          onChange &&
          ((field, permission) =>
            onChange((d) => withFieldPermission(d, node.id, field, permission), undoLabels(t).permission))
        }
      />
    ),
    conditions: (
      <div data-path="/trigger">
        <Form.Item
          label={t('properties.conditions.trigger')}
          extra={t('properties.conditions.triggerHint')}
          className="props-item"
        >
          <FeelInput
            aria-label={t('properties.conditions.trigger')}
            value={node.trigger?.condition ?? ''}
            knownFields={known}
            problems={at('/trigger')}
            onChange={
              onChange &&
              ((condition) =>
                edit((n) => withProperty(n, 'trigger', condition.trim() === '' ? undefined : { condition }), 'trigger'))
            }
          />
        </Form.Item>
      </div>
    ),
    deadline: (
      <DeadlineEditor
        definition={definition}
        node={node}
        directory={directory}
        fields={fields}
        locale={locale}
        problems={[...at('/deadline'), ...at('/calendar')]}
        onChange={onChange && ((deadline) => edit((n) => withProperty(n, 'deadline', deadline), 'deadline'))}
      />
    ),
    automatic: (
      <>
        <ProblemLines problems={tabProblems('automatic')} />
        <AutomaticEditor
          node={node}
          knownFields={known}
          onChange={onChange && ((next, label) => edit(() => next, label))}
        />
      </>
    ),
  };

  return (
    <div data-testid="properties-panel" ref={root} className="props-panel">
      <Typography.Title level={5} className="panel-title">
        {localizedText(node.name, locale, node.id)}
      </Typography.Title>
      <Form layout="vertical" size="small" component="div">
        <Collapse
          size="small"
          className="props-sections"
          activeKey={open}
          onChange={(keys) => setOpen((Array.isArray(keys) ? keys : [keys]) as PropertySection[])}
          items={sections.map((s) => {
            const n = tabProblems(s).length;
            return {
              key: s,
              label: (
                <span data-testid={`tab-${s}`}>
                  {t(`properties.tabs.${s}`)}
                  {n > 0 && <span className="props-tab-count">{n}</span>}
                </span>
              ),
              children: tabs[s],
            };
          })}
        />
      </Form>
    </div>
  );
}

function EdgeProperties({
  definition,
  edge,
  scopeNodes,
  onChange,
  locale,
  problems = [],
}: PropertiesPanelProps & { edge: Edge; scopeNodes: ProcessNode[] }) {
  const { t } = useTranslation();
  const known = useMemo(() => knownFieldNames(definition), [definition]);
  const nameOf = (id: string) => localizedText(scopeNodes.find((n) => n.id === id)?.name, locale, id);
  const fromGateway = scopeNodes.find((n) => n.id === edge.from)?.type === 'exclusiveGateway';
  const edit = (update: (e: Edge) => Edge, label: keyof ReturnType<typeof undoLabels>) =>
    onChange?.((d) => updateEdge(d, edge.id, update), undoLabels(t)[label]);
  return (
    <div data-testid="edge-panel" className="props-panel">
      <Typography.Title level={5} className="panel-title">
        {localizedText(edge.name, locale, t('properties.edge.title'))}
      </Typography.Title>
      <Form layout="vertical" size="small" component="div">
        <Form.Item label={t('properties.edge.from')} className="props-item">
          {nameOf(edge.from)} <span className="mono props-id">{edge.id}</span>
        </Form.Item>
        <Form.Item label={t('properties.edge.to')} className="props-item">
          {nameOf(edge.to)}
        </Form.Item>
        <NameInputs
          kind="name"
          value={edge.name}
          onChange={
            onChange &&
            ((lang, text) => edit((e) => withProperty(e, 'name', withLocalized(e.name, lang, text)), 'name'))
          }
        />
        <div data-path="/condition">
          <Form.Item
            label={t('properties.conditions.edge')}
            extra={t('properties.conditions.edgeHint')}
            className="props-item"
          >
            <FeelInput
              aria-label={t('properties.conditions.edge')}
              value={edge.condition ?? ''}
              knownFields={known}
              problems={problemsAt(problems, edge.id, '/condition')}
              onChange={
                onChange &&
                ((condition) =>
                  edit(
                    (e) => withProperty(e, 'condition', condition.trim() === '' ? undefined : condition),
                    'condition',
                  ))
              }
            />
          </Form.Item>
        </div>
        {!fromGateway && (edge.condition !== undefined || edge.default) && (
          <Alert type="warning" showIcon className="props-note" title={t('properties.conditions.onlyGateways')} />
        )}
        <div data-path="/default">
          <Checkbox
            checked={edge.default === true}
            disabled={!onChange}
            onChange={(e) => edit((x) => withProperty(x, 'default', e.target.checked ? true : undefined), 'default')}
          >
            {t('properties.conditions.default')}
          </Checkbox>
        </div>
        <Checkbox
          checked={edge.escalation === true}
          disabled={!onChange}
          onChange={(e) =>
            edit((x) => withProperty(x, 'escalation', e.target.checked ? true : undefined), 'escalation')
          }
        >
          {t('properties.conditions.escalation')}
        </Checkbox>
        <ProblemLines
          problems={problems.filter((p) => p.element?.id === edge.id && !p.field.startsWith('/condition'))}
        />
      </Form>
    </div>
  );
}

/** The history labels of the panel's edits: catalogue keys, translated when the history list shows them. */
function undoLabels(_t?: unknown) {
  return {
    name: { key: 'properties.undo.name' },
    description: { key: 'properties.undo.description' },
    owner: { key: 'properties.undo.owner' },
    signers: { key: 'properties.undo.signers' },
    form: { key: 'properties.undo.form' },
    permission: { key: 'properties.undo.permission' },
    trigger: { key: 'properties.undo.trigger' },
    condition: { key: 'properties.undo.condition' },
    default: { key: 'properties.undo.default' },
    escalation: { key: 'properties.undo.escalation' },
    deadline: { key: 'properties.undo.deadline' },
    action: { key: 'properties.undo.action' },
    retry: { key: 'properties.undo.retry' },
    resultField: { key: 'properties.undo.resultField' },
    cc: { key: 'properties.undo.cc' },
    multiInstance: { key: 'properties.undo.multiInstance' },
    timer: { key: 'properties.undo.timer' },
    event: { key: 'properties.undo.event' },
    terminate: { key: 'properties.undo.terminate' },
  };
}
