/**
 * The editor's side panels: the palette of node kinds (drag onto the canvas or click to add) and
 * the visible undo history (click a step to go back or forward to it).
 *
 * @module
 */
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { memo, useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../../i18n/index.ts';
import { kindIcons } from '../flow-nodes.tsx';
import { addKind, paletteKinds } from './actions.ts';
import { paletteMime } from './editor-canvas.tsx';
import type { Point } from './edits.ts';
import { labelText } from './labels.ts';
import { type EditorState, useEditorSelector, useEditorStore } from './store.ts';

/** A function giving the canvas point at the centre of the visible canvas. */
export function useCanvasCentre(): () => Point {
  const { screenToFlowPosition } = useReactFlow();
  const api = useStoreApi();
  return useCallback(() => {
    const rect = api.getState().domNode?.getBoundingClientRect();
    if (!rect) return { x: 0, y: 0 };
    return screenToFlowPosition({ x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 });
  }, [api, screenToFlowPosition]);
}

/** The palette: every node kind; drag one onto the canvas, or click to add it in the middle of the view. */
export const Palette = memo(function Palette() {
  const { t } = useTranslation();
  const store = useEditorStore();
  const centre = useCanvasCentre();
  return (
    <div className="editor-palette" role="group" aria-label={t('editor.palette.title')}>
      <div className="editor-side-title">{t('editor.palette.title')}</div>
      <div className="editor-palette-hint">{t('editor.palette.hint')}</div>
      {paletteKinds.map((kind) => (
        <button
          key={kind}
          type="button"
          draggable
          className={`editor-palette-item editor-palette-${kind}`}
          data-testid={`palette-${kind}`}
          title={t('editor.palette.add', { kind: t(`designer.kinds.${kind}`) })}
          onDragStart={(event) => {
            event.dataTransfer.setData(paletteMime, kind);
            event.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => addKind(store, kind, centre())}
        >
          <span className="editor-palette-icon">{kindIcons[kind]}</span>
          <span>{t(`designer.kinds.${kind}`)}</span>
        </button>
      ))}
    </div>
  );
});

const selectHistory = (s: EditorState) => s.history;

/** The undo history, newest step first; the current step is marked, undone steps are greyed. */
export const HistoryList = memo(function HistoryList() {
  const { t, i18n } = useTranslation();
  const locale: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const store = useEditorStore();
  const history = useEditorSelector(selectHistory);
  const rows = history.entries.map((entry, index) => ({ entry, index })).reverse();
  return (
    <div className="editor-history" role="group" aria-label={t('editor.history.title')}>
      <div className="editor-side-title">{t('editor.history.title')}</div>
      <ol className="editor-history-list" data-testid="history-list">
        {rows.map(({ entry, index }) => {
          const text = labelText(entry.label, t, locale);
          return (
            <li key={`${index}:${entry.at}`}>
              <button
                type="button"
                className={`editor-history-item${index === history.index ? ' is-current' : ''}${
                  index > history.index ? ' is-undone' : ''
                }`}
                aria-current={index === history.index ? 'step' : undefined}
                title={text}
                onClick={() => store.jumpTo(index)}
              >
                {text}
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
});
