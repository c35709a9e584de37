/**
 * The 会签 / 或签 badge of an approval card, from a user task's `signers` (the definition's
 * `Signers`): its `policy`, absent meaning 会签 (`all`, the default), and a threshold's count or
 * share. Read defensively (a draft may hold anything while it is edited): an object without a
 * `from` list but with `mode`, `type` or `kind` is still named. Pure.
 *
 * @module
 */
import type { ProcessNode } from '@baton/definition';

/** The signer policies a badge names. */
export type SignerBadge = { kind: 'all' | 'any' | 'sequential' | 'threshold' | 'other'; n?: string };

/** What a card shows of a userTask's signer policy (会签 / 或签 …), read defensively: the field is new. */
export function signerBadge(node: ProcessNode): SignerBadge | undefined {
  const signers = (node as unknown as Record<string, unknown>).signers;
  if (signers === undefined || signers === null || signers === false) return undefined;
  let mode: unknown = signers;
  let threshold: unknown;
  if (typeof signers === 'object' && !Array.isArray(signers)) {
    const s = signers as Record<string, unknown>;
    // The draft shape: { from: [...], policy?: 'all' | 'any' | 'sequence' | 'threshold' (default 'all'), threshold? }.
    mode = s.policy ?? s.mode ?? s.type ?? s.kind ?? (Array.isArray(s.from) ? 'all' : undefined);
    threshold = s.threshold;
  }
  switch (mode) {
    case 'all':
      return { kind: 'all' };
    case 'any':
      return { kind: 'any' };
    case 'sequence':
    case 'sequential':
      return { kind: 'sequential' };
    case 'threshold': {
      const n = thresholdText(threshold);
      return n === undefined ? { kind: 'other' } : { kind: 'threshold', n };
    }
    default:
      return { kind: 'other' };
  }
}

/** `{ count: 2 }` → "2", `{ atLeast: 0.6 }` → "≥ 60%", `{ moreThan: 0.5 }` → "> 50%"; a bare number as it is. */
function thresholdText(threshold: unknown): string | undefined {
  if (typeof threshold === 'number') return String(threshold);
  if (typeof threshold !== 'object' || threshold === null) return undefined;
  const t = threshold as Record<string, unknown>;
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  if (typeof t.count === 'number') return String(t.count);
  if (typeof t.atLeast === 'number') return `≥ ${percent(t.atLeast)}`;
  if (typeof t.moreThan === 'number') return `> ${percent(t.moreThan)}`;
  return undefined;
}
