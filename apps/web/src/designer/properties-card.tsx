/**
 * The designer's right-hand card: the properties of the selected node or edge, editable on a
 * draft through the editor store (each edit one undoable change), over the Problems panel fed by
 * live validation of the draft (shared with the canvas badges, see `validation/live-problems.tsx`).
 * Clicking a problem selects its element, centres it on the canvas and opens its field.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import { useReactFlow } from '@xyflow/react';
import { Card, Divider } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n/index.ts';
import type { HistoryLabel } from './editor/history.ts';
import { useEditor } from './editor/store.ts';
import type { DefinitionUpdater } from './properties/edits.ts';
import { PropertiesPanel, type PropertiesFocus } from './properties/PropertiesPanel.tsx';
import { useDirectory } from './properties/use-directory.ts';
import { findEdge } from './properties/edits.ts';
import { useLiveProblems } from './validation/live-problems.tsx';
import { ProblemsPanel } from './validation/ProblemsPanel.tsx';
import type { Problem } from './validation/problems.ts';

/**
 * Centres the canvas on node `id`, or on the middle of edge `id`, keeping the zoom (at least
 * 0.75, so that the element can be read). Does nothing for what the canvas does not show.
 */
function useCentreOn(definition: ProcessDefinition): (element: NonNullable<Problem['element']>) => void {
  const { getNode, getNodesBounds, getZoom, setCenter } = useReactFlow();
  return useCallback(
    (element) => {
      const edge = element.kind === 'edge' ? findEdge(definition, element.id)?.edge : undefined;
      const ids = element.kind === 'node' ? [element.id] : edge ? [edge.from, edge.to] : [];
      const shown = ids.filter((n) => getNode(n) !== undefined);
      if (shown.length === 0) return;
      const box = getNodesBounds(shown);
      void setCenter(box.x + box.width / 2, box.y + box.height / 2, { zoom: Math.max(getZoom(), 0.75), duration: 300 });
    },
    [definition, getNode, getNodesBounds, getZoom, setCenter],
  );
}

/** Properties and problems of the draft open in the editor. */
export function PropertiesCard({ locale }: { locale: Language }) {
  const { t } = useTranslation();
  const { definition, apply, selection, select, readOnly } = useEditor();
  const directory = useDirectory();
  const live = useLiveProblems();
  const centreOn = useCentreOn(definition);
  const [focus, setFocus] = useState<PropertiesFocus | undefined>(undefined);
  const onChange = useCallback((updater: DefinitionUpdater, label: HistoryLabel) => apply(updater, label), [apply]);
  const onProblem = useCallback(
    (p: Problem) => {
      const element = p.element;
      if (!element) return;
      select(element.kind === 'edge' ? { nodes: [], edges: [element.id] } : { nodes: [element.id], edges: [] });
      centreOn(element);
      setFocus((f) => ({ elementId: element.id, section: p.section, field: p.field, nonce: (f?.nonce ?? 0) + 1 }));
    },
    [select, centreOn],
  );
  return (
    <Card className="designer-panel" title={t('designer.properties')} size="small">
      <PropertiesPanel
        definition={definition}
        selection={selection}
        onChange={readOnly ? undefined : onChange}
        locale={locale}
        problems={live.problems}
        focus={focus}
        directory={directory}
      />
      <Divider className="props-divider" />
      <ProblemsPanel
        problems={live.problems}
        definition={definition}
        locale={locale}
        checking={live.checking}
        onSelect={onProblem}
      />
    </Card>
  );
}
