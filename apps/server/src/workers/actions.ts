/** What a named action receives: the instance data when the call is delivered, the node's params and the instance. */
export interface ActionInput {
  data: Record<string, unknown>;
  params: Record<string, unknown>;
  instanceId: string;
  initiator: string | null;
  businessKey: string | null;
}

/**
 * A named action for automatic tasks of kind `action`. It runs after commit and may be called
 * more than once for one call (at-least-once delivery), so it must be idempotent. Its result
 * is written to the node's `resultField`; a thrown error is a failed attempt (the engine's retry
 * policy decides what happens next).
 */
export type Action = (input: ActionInput) => Promise<unknown>;

/** Named actions by name. */
export type ActionRegistry = Readonly<Record<string, Action>>;

/**
 * The demo actions the example processes use. `attributeDeal` attributes a signed deal to the
 * rep who worked it (the `assignedRep` field, else the initiator), their territory and the quoted
 * amount — the shape of the lead-to-contract definition's `attribution` field.
 */
export const demoActions: ActionRegistry = {
  async attributeDeal({ data, initiator }) {
    const rep = typeof data.assignedRep === 'string' && data.assignedRep !== '' ? data.assignedRep : initiator;
    const amount =
      typeof data.quoteAmount === 'number' ? data.quoteAmount : typeof data.amount === 'number' ? data.amount : 0;
    return { rep, team: typeof data.territory === 'string' ? data.territory : null, amount };
  },
  /** Demo stand-in for returning an unworked lead to the shared pool: reports what it would do. */
  async returnLeadToPool({ params, businessKey }) {
    return { returned: true, pool: typeof params.pool === 'string' ? params.pool : 'shared', lead: businessKey };
  },
  /** Demo stand-in for a WeCom (企业微信) message: no message leaves the demo server. */
  async sendWecomMessage({ params, instanceId }) {
    return { queued: true, template: typeof params.template === 'string' ? params.template : null, instanceId };
  },
};
