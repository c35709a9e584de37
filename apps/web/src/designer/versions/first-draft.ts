/**
 * The first draft of a new model: a start joined to an end, as it runs today, with their names
 * in both languages. Pure.
 *
 * @module
 */
import type { ProcessDefinition } from '@baton/definition';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';

/** The first draft of model `key` named `name`. Pure. */
export function firstDraft(key: string, name: { 'zh-CN': string; en: string }): ProcessDefinition {
  const named = (kind: 'start' | 'end') => ({ 'zh-CN': zhCN.editor.newName[kind], en: en.editor.newName[kind] });
  return {
    schemaVersion: 1,
    key,
    name,
    state: 'current',
    nodes: [
      { id: 'start', type: 'start', name: named('start'), layout: { x: 0, y: 0 } },
      { id: 'end', type: 'end', name: named('end'), layout: { x: 600, y: 0 } },
    ],
    edges: [{ id: 'e1', from: 'start', to: 'end' }],
  };
}
