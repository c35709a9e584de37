/**
 * Plain zh-CN / en sentences for the parts of a definition the designer shows: owners, time
 * spans, deadlines with their escalation ladders, edges and automatic actions. Pure: the texts
 * come from the typed catalogues, so the canvas, the properties panel and the tests agree.
 *
 * @module
 */
import type {
  AutomaticAction,
  Deadline,
  Edge,
  EscalationRung,
  LocalizedText,
  Owner,
  TimeSpan,
} from '@baton/definition';
import type { Language } from '../i18n/index.ts';
import { en } from '../i18n/en.ts';
import { zhCN } from '../i18n/zh-cn.ts';

const designerTexts = { en: en.designer, 'zh-CN': zhCN.designer } as const;

/** The designer's part of the catalogue of `locale`. */
export function designerCatalogue(locale: Language): typeof en.designer {
  return designerTexts[locale];
}

/** Fills `{{name}}` placeholders of a catalogue template, as i18next does. Pure. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** The text of `label` in `locale`, else in the other language, else `fallback`. Pure. */
export function localizedText(label: LocalizedText | undefined, locale: Language, fallback: string): string {
  return label?.[locale] ?? label?.[locale === 'en' ? 'zh-CN' : 'en'] ?? fallback;
}

/** Who does the work, in one line (the fallback is left to {@link ownerLines}). Pure. */
export function ownerText(owner: Owner | undefined, locale: Language): string {
  const o = designerCatalogue(locale).owner;
  if (!owner) return o.none;
  switch (owner.type) {
    case 'user':
      return fill(o.user, { user: owner.user });
    case 'role':
      return fill(o.role, { role: owner.role });
    case 'team':
      return fill(o.team, { team: owner.team });
    case 'initiator':
      return o.initiator;
    case 'fromField':
      return fill(o.fromField, { field: owner.field });
    case 'roundRobin':
      return owner.team === undefined
        ? fill(o.roundRobin, { role: owner.role })
        : fill(o.roundRobinTeam, { role: owner.role, team: owner.team });
    case 'leastLoaded':
      return owner.team === undefined
        ? fill(o.leastLoaded, { role: owner.role })
        : fill(o.leastLoadedTeam, { role: owner.role, team: owner.team });
    case 'byField':
      return fill(o.byField, { field: owner.field });
    case 'managerOf':
      return owner.of === 'initiator' ? o.managerOfInitiator : o.managerOfPrevious;
  }
}

/**
 * The owner in full, one line each: the strategy, the entries of a by-field choice (indented by
 * `depth`), and the fallback chain. Pure.
 */
export function ownerLines(owner: Owner | undefined, locale: Language, depth = 0): { text: string; depth: number }[] {
  const o = designerCatalogue(locale).owner;
  const lines = [{ text: ownerText(owner, locale), depth }];
  if (!owner) return lines;
  if (owner.type === 'byField') {
    for (const [value, entry] of Object.entries(owner.map))
      lines.push({ text: fill(o.byFieldEntry, { value, owner: ownerText(entry, locale) }), depth: depth + 1 });
    if (owner.default)
      lines.push({ text: fill(o.byFieldDefault, { owner: ownerText(owner.default, locale) }), depth: depth + 1 });
  }
  if (owner.fallback) {
    const [first, ...rest] = ownerLines(owner.fallback, locale, depth);
    lines.push({ text: fill(o.fallback, { owner: first?.text ?? '' }), depth }, ...rest);
  }
  return lines;
}

/**
 * An ISO 8601 duration in words (`PT48H` → "48 h" / "48 小时", `P1DT4H` → "1 d 4 h"); the input
 * itself when it is not a day/hour/minute duration. Pure.
 */
export function durationText(duration: string, locale: Language): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return duration;
  const t = designerCatalogue(locale).time;
  const parts: string[] = [];
  if (match[1] !== undefined) parts.push(fill(t.days, { count: Number(match[1]) }));
  if (match[2] !== undefined) parts.push(fill(t.hours, { count: Number(match[2]) }));
  if (match[3] !== undefined) parts.push(fill(t.minutes, { count: Number(match[3]) }));
  return parts.length === 0 ? duration : parts.join(' ');
}

/** A time span with its mode: "48 h of working time" / "48 小时（工作时间）". Pure. */
export function timeSpanText(span: TimeSpan, locale: Language): string {
  const t = designerCatalogue(locale).time;
  return fill(span.time === 'clock' ? t.clock : t.working, { duration: durationText(span.duration, locale) });
}

/** A deadline in one line (the ladder is left to {@link rungText}). Pure. */
export function deadlineText(deadline: Deadline | undefined, locale: Language): string | undefined {
  return deadline === undefined ? undefined : timeSpanText(deadline, locale);
}

/** One rung of an escalation ladder: when, and what happens. Pure. */
export function rungText(rung: EscalationRung, locale: Language): string {
  const r = designerCatalogue(locale).rung;
  const { action } = rung;
  const what =
    action.type === 'remind'
      ? r.remind
      : action.type === 'notify'
        ? fill(r.notify, { owner: ownerText(action.to, locale) })
        : action.type === 'reassign'
          ? fill(r.reassign, { owner: ownerText(action.to, locale) })
          : action.type === 'leave'
            ? fill(r.leave, { edge: action.edge })
            : r.complete;
  return rung.at !== undefined
    ? fill(r.at, { percent: Math.round(rung.at * 100), action: what })
    : fill(r.after, { duration: durationText(rung.after ?? '', locale), action: what });
}

/** An edge's label on the canvas: its name, else its condition, else nothing. Pure. */
export function edgeLabel(edge: Edge, locale: Language): string | undefined {
  return edge.name !== undefined ? localizedText(edge.name, locale, edge.id) : edge.condition;
}

/** Canvas pixels a character of an edge label takes, about (11 px text: CJK full width). */
const labelCharWidth = (c: string) => (c.codePointAt(0)! >= 0x2e80 ? 11 : 6);

/**
 * An edge's label cut to the room between its ends, `span` canvas pixels (a long condition on a
 * short edge would lie across the next step); `cut` says whether it was. Pure.
 */
export function fitEdgeLabel(label: string, span: number): { text: string; cut: boolean } {
  const room = Math.max(48, Math.abs(span) - 24);
  const chars = [...label];
  if (chars.reduce((w, c) => w + labelCharWidth(c), 0) <= room) return { text: label, cut: false };
  let width = 0;
  let kept = '';
  for (const c of chars) {
    width += labelCharWidth(c);
    if (width > room - 8) break;
    kept += c;
  }
  return { text: `${kept}…`, cut: true };
}

/** An outgoing edge for the properties panel: name, condition or default, target. Pure. */
export function edgeText(edge: Edge, targetName: string, locale: Language): string {
  const e = designerCatalogue(locale).edge;
  const name = edge.name !== undefined ? localizedText(edge.name, locale, edge.id) : fill(e.to, { target: targetName });
  if (edge.escalation === true) return fill(e.escalation, { name });
  if (edge.default === true) return fill(e.default, { name });
  if (edge.condition !== undefined) return fill(e.condition, { name, condition: edge.condition });
  return name;
}

/** What an automatic task does, in one line. Pure. */
export function actionText(action: AutomaticAction, locale: Language): string {
  const a = designerCatalogue(locale).action;
  if (action.kind === 'http') return fill(a.http, { method: action.method, url: action.url });
  if (action.kind === 'action') return fill(a.action, { name: action.name });
  const fields = Object.keys(action.set ?? {});
  if (fields.length === 0) return (locale === 'en' ? en : zhCN).editor.computeNothing;
  return fill(a.compute, { fields: fields.join(', ') });
}
