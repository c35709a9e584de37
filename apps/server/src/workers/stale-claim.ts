/** Thrown inside a transaction (which then rolls back) when a fenced timer or outbox claim no longer holds. */
export class StaleClaim extends Error {
  override readonly name = 'StaleClaim';
}

/** Thrown when a claimed timer is fired before the database clock reaches its due time (nothing happened; fire it later). */
export class TimerNotDue extends Error {
  override readonly name = 'TimerNotDue';
}
