/** The line printed once per run when the PostgreSQL half of the suite is skipped. */
export const postgresSkippedMessage = 'PostgreSQL integration tests not run: TEST_DATABASE_URL is not set';

/** Runs once per `vitest run`: says visibly when the PostgreSQL integration tests are skipped. */
export default function setup(): void {
  if (!process.env.TEST_DATABASE_URL) process.stdout.write(`\n${postgresSkippedMessage}\n\n`);
}
