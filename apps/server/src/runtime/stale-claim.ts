/** Thrown inside a transaction (which then rolls back) when a fenced timer or outbox claim no longer holds. */
export class StaleClaim extends Error {
  override readonly name = 'StaleClaim';
}
