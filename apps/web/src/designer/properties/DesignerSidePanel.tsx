/**
 * The designer's side panel as today's page mounts it: the properties of the selected step over
 * the Problems panel, with live validation. A draft version is editable here: edits go to a copy
 * of the definition held by this component until the editor store (undo/redo, autosave) takes
 * over through `PropertiesPanel`'s `onChange`; published versions are read-only.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import { Alert } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/index.ts';
import { ProblemsPanel } from '../validation/ProblemsPanel.tsx';
import type { Problem } from '../validation/problems.ts';
import { useLiveValidation } from '../validation/use-live-validation.ts';
import { emptySelection, findNode, type DefinitionUpdater, type DesignerSelection } from './edits.ts';
import { PropertiesPanel, type PropertiesFocus } from './PropertiesPanel.tsx';
import { useDirectory } from './use-directory.ts';

/** Today's local date, `YYYY-MM-DD` (for the calendar-coverage warning). */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Props of {@link DesignerSidePanel}. */
export interface DesignerSidePanelProps {
  definition: ProcessDefinition;
  /** The selected node or edge id. */
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  locale: Language;
  /** Whether the version is a draft (editable). */
  editable: boolean;
}

/** Properties and problems of one version. */
export function DesignerSidePanel({ definition, selectedId, onSelect, locale, editable }: DesignerSidePanelProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(definition);
  useEffect(() => setDraft(definition), [definition]);
  const directory = useDirectory();
  const calendars = useMemo(() => directory.calendars.map((c) => c.key), [directory.calendars]);
  const today = useMemo(localToday, []);
  const live = useLiveValidation(draft, { calendars, today });
  const [focus, setFocus] = useState<PropertiesFocus | undefined>(undefined);
  const selection: DesignerSelection =
    selectedId === undefined
      ? emptySelection
      : findNode(draft, selectedId)
        ? { nodes: [selectedId], edges: [] }
        : { nodes: [], edges: [selectedId] };
  const onChange = useCallback((updater: DefinitionUpdater) => setDraft((d) => updater(d)), []);
  const onProblem = useCallback(
    (p: Problem) => {
      if (!p.element) return;
      onSelect(p.element.id);
      setFocus((f) => ({ elementId: p.element!.id, section: p.section, field: p.field, nonce: (f?.nonce ?? 0) + 1 }));
    },
    [onSelect],
  );
  return (
    <div className="props-side">
      {!editable && selectedId !== undefined && (
        <Alert type="info" className="props-note" title={t('properties.readOnlyNote')} />
      )}
      <PropertiesPanel
        definition={draft}
        selection={selection}
        onChange={editable ? onChange : undefined}
        locale={locale}
        problems={live.problems}
        focus={focus}
        directory={directory}
      />
      <ProblemsPanel
        problems={live.problems}
        definition={draft}
        locale={locale}
        checking={live.checking}
        onSelect={onProblem}
      />
    </div>
  );
}
