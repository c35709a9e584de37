/**
 * The editor's keyboard shortcuts and clipboard: undo/redo, search-first adding (`n`, `a` after the
 * selected step), the shortcuts list (`?`), zoom to fit (`Shift+1`), and copy / cut / paste of
 * steps through the system clipboard (a JSON payload, checked on paste), so steps travel between
 * two models or two tabs. Nothing fires while typing in a field or with a dialog open.
 *
 * @module
 */
import { useReactFlow } from '@xyflow/react';
import { App } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { parseFragment } from './clipboard.ts';
import { copySelection, pasteAt } from './actions.ts';
import { removeElements } from './edits.ts';
import { useCanvasCentre } from './panels.tsx';
import { useEditorStore } from './store.ts';

/** Whether a key or clipboard event belongs to a text field or an open dialog, not to the canvas. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('input, textarea, select, [contenteditable="true"], .ant-modal, .ant-select, .ant-picker'))
    return true;
  return document.querySelector('.ant-modal-wrap:not([style*="display: none"]) .ant-modal') !== null;
}

/** Installs the shortcuts; `onAdd(afterId?)` opens the command palette. Renders nothing. */
export function EditorKeys({ onAdd, onHelp }: { onAdd: (afterId?: string) => void; onHelp: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const store = useEditorStore();
  const centre = useCanvasCentre();
  const { fitView } = useReactFlow();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const { readOnly, selection } = store.getState();
      if (mod && !event.altKey && key === 'z') {
        if (event.shiftKey) store.redo();
        else store.undo();
      } else if (mod && !event.altKey && key === 'y') store.redo();
      else if (mod || event.altKey) return;
      else if (key === 'n' && !readOnly) onAdd();
      else if (key === 'a' && !readOnly && selection.nodes.length === 1) onAdd(selection.nodes[0]);
      else if (event.key === '?') onHelp();
      else if (event.key === '!' && event.code === 'Digit1') void fitView({ padding: 0.08, duration: 200 });
      else return;
      event.preventDefault();
    };
    const onCopy = (event: ClipboardEvent, cut: boolean) => {
      if (isTyping(event.target) || !event.clipboardData) return;
      const fragment = copySelection(store);
      if (!fragment) return;
      event.clipboardData.setData('text/plain', JSON.stringify(fragment));
      event.preventDefault();
      if (cut && !store.getState().readOnly) {
        const ids = fragment.nodes.map((n) => n.id);
        store.apply((d) => removeElements(d, ids), { key: 'editor.history.cut', values: { count: ids.length } });
      } else void message.success(t('editor.paste.copied', { count: fragment.nodes.length }));
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isTyping(event.target) || !event.clipboardData || store.getState().readOnly) return;
      const text = event.clipboardData.getData('text/plain');
      if (text.trim() === '') return;
      event.preventDefault();
      const parsed = parseFragment(text);
      if ('problem' in parsed) {
        void message.warning(t(`editor.paste.${parsed.problem}`));
        return;
      }
      pasteAt(store, parsed.fragment, centre());
      void message.success(t('editor.paste.done', { count: parsed.fragment.nodes.length }));
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    document.addEventListener('keydown', onKey);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, t, message, centre, fitView, onAdd, onHelp]);
  return null;
}
