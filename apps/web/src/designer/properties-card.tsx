/**
 * The designer's right-hand card: the properties of the selected node or edge, editable on a
 * draft through the editor store (each edit one undoable change), over the Problems panel fed by
 * live validation of the draft. Clicking a problem selects its element and opens its field.
 *
 * @module
 */
import { Card, Divider } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../i18n/index.ts';
import type { HistoryLabel } from './editor/history.ts';
import { useEditor } from './editor/store.ts';
import type { DefinitionUpdater } from './properties/edits.ts';
import { PropertiesPanel, type PropertiesFocus } from './properties/PropertiesPanel.tsx';
import { useDirectory } from './properties/use-directory.ts';
import { ProblemsPanel } from './validation/ProblemsPanel.tsx';
import type { Problem } from './validation/problems.ts';
import { useLiveValidation } from './validation/use-live-validation.ts';

/** Today's local date, `YYYY-MM-DD` (for the calendar-coverage warning). */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Properties and problems of the draft open in the editor. */
export function PropertiesCard({ locale }: { locale: Language }) {
  const { t } = useTranslation();
  const { definition, apply, selection, select, readOnly } = useEditor();
  const directory = useDirectory();
  const calendars = useMemo(() => directory.calendars.map((c) => c.key), [directory.calendars]);
  const today = useMemo(localToday, []);
  const live = useLiveValidation(definition, { calendars, today });
  const [focus, setFocus] = useState<PropertiesFocus | undefined>(undefined);
  const onChange = useCallback((updater: DefinitionUpdater, label: HistoryLabel) => apply(updater, label), [apply]);
  const onProblem = useCallback(
    (p: Problem) => {
      const element = p.element;
      if (!element) return;
      select(element.kind === 'edge' ? { nodes: [], edges: [element.id] } : { nodes: [element.id], edges: [] });
      setFocus((f) => ({ elementId: element.id, section: p.section, field: p.field, nonce: (f?.nonce ?? 0) + 1 }));
    },
    [select],
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
