/**
 * The PostgreSQL admin URL the reliability tests create their scratch databases from
 * (`TEST_DATABASE_URL`). `vitest.config.ts` collects the reliability files only when it is set
 * (and prints one line when it is not), so inside those files it is always defined.
 */
export function reliabilityDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url)
    throw new Error(
      'The reliability tests need TEST_DATABASE_URL (a PostgreSQL server whose user may create databases).',
    );
  return url;
}
