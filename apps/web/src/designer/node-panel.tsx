/**
 * The properties of the selected node, read-only, in plain zh-CN / en: owner, deadline with its
 * escalation ladder, form fields by title, conditions, outgoing edges.
 *
 * @module
 */
import type { JsonSchema, ProcessDefinition, ProcessNode } from '@baton/definition';
import { Descriptions, Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n/index.ts';
import { actionText, edgeText, localizedText, ownerLines, rungText, timeSpanText } from './describe.ts';
import { kindIcons } from './flow-nodes.tsx';

/** The title of a form field: its schema's `title`, else its name. */
function fieldTitle(name: string, schema: JsonSchema): string {
  return typeof schema === 'object' && typeof schema.title === 'string' ? schema.title : name;
}

/** Properties panel of one node of `definition`; an invitation to select one when `node` is undefined. */
export function NodePanel({
  definition,
  node,
  locale,
}: {
  definition: ProcessDefinition;
  node: ProcessNode | undefined;
  locale: Language;
}) {
  const { t } = useTranslation();
  if (!node) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('designer.selectHint')} />;
  const nameOf = (id: string) => localizedText(definition.nodes.find((n) => n.id === id)?.name, locale, id);
  const items: { key: string; label: string; children: React.ReactNode }[] = [
    {
      key: 'kind',
      label: t('designer.field.kind'),
      children: (
        <span className="panel-kind">
          {kindIcons[node.type]} {t(`designer.kinds.${node.type}`)}
        </span>
      ),
    },
    { key: 'id', label: t('designer.field.id'), children: <span className="mono">{node.id}</span> },
  ];
  if (node.description)
    items.push({
      key: 'description',
      label: t('designer.field.description'),
      children: localizedText(node.description, locale, ''),
    });
  if (node.owner)
    items.push({
      key: 'owner',
      label: t('designer.field.owner'),
      children: (
        <ul className="panel-list">
          {ownerLines(node.owner, locale).map((line, i) => (
            <li key={i} className={`panel-depth-${Math.min(line.depth, 3)}`}>
              {line.text}
            </li>
          ))}
        </ul>
      ),
    });
  if (node.deadline) {
    const calendar = node.deadline.calendar ?? node.calendar ?? definition.calendar;
    items.push({
      key: 'deadline',
      label: t('designer.field.deadline'),
      children: (
        <ul className="panel-list panel-plain">
          <li>{timeSpanText(node.deadline, locale)}</li>
          {calendar !== undefined && <li>{t('designer.time.calendar', { calendar })}</li>}
        </ul>
      ),
    });
    if (node.deadline.escalations && node.deadline.escalations.length > 0)
      items.push({
        key: 'escalations',
        label: t('designer.field.escalations'),
        children: (
          <ol className="panel-list panel-ladder">
            {node.deadline.escalations.map((rung, i) => (
              <li key={rung.id ?? i}>{rungText(rung, locale)}</li>
            ))}
          </ol>
        ),
      });
  }
  if (node.trigger)
    items.push({
      key: 'trigger',
      label: t('designer.field.trigger'),
      children: <code className="mono">{node.trigger.condition}</code>,
    });
  if (node.type === 'automaticTask')
    items.push({ key: 'action', label: t('designer.field.action'), children: actionText(node.action, locale) });
  if (node.type === 'timer')
    items.push({
      key: 'timer',
      label: t('designer.field.timer'),
      children:
        'date' in node.timer ? <code className="mono">{node.timer.date}</code> : timeSpanText(node.timer, locale),
    });
  if (node.type === 'event')
    items.push({
      key: 'event',
      label: t('designer.field.event'),
      children: <span className="mono">{node.event}</span>,
    });
  if (node.type === 'subProcess')
    items.push({ key: 'inside', label: t('designer.field.inside'), children: node.nodes.length });
  if (node.type === 'end' && node.terminate === true)
    items.push({ key: 'terminate', label: t('designer.field.terminate'), children: '✓' });
  const fields = Object.entries(node.outputs?.properties ?? {});
  if (fields.length > 0)
    items.push({
      key: 'form',
      label: t('designer.field.form'),
      children: (
        <ul className="panel-list">
          {fields.map(([name, schema]) => (
            <li key={name}>{fieldTitle(name, schema)}</li>
          ))}
        </ul>
      ),
    });
  if (node.inputs && node.inputs.length > 0)
    items.push({
      key: 'inputs',
      label: t('designer.field.inputs'),
      children: <span className="mono">{node.inputs.join(', ')}</span>,
    });
  const outgoing = definition.edges.filter((e) => e.from === node.id);
  if (outgoing.length > 0)
    items.push({
      key: 'outgoing',
      label: t('designer.field.outgoing'),
      children: (
        <ul className="panel-list">
          {outgoing.map((edge) => (
            <li key={edge.id}>{edgeText(edge, nameOf(edge.to), locale)}</li>
          ))}
        </ul>
      ),
    });
  return (
    <div data-testid="node-panel">
      <Typography.Title level={5} className="panel-title">
        {localizedText(node.name, locale, node.id)}
      </Typography.Title>
      <Descriptions column={1} size="small" layout="vertical" items={items} />
    </div>
  );
}
