import { type Expression, type RawBuilder, sql } from 'kysely';
import type { LocalizedText } from '@baton/client/contract';

/**
 * The name of a node as the SQL of one scalar subquery: the `name` of the node with id `nodeId` in
 * the definition of the process version `versionId`, or null when the version has no such node or
 * the node has no name (callers then show the id). Used where a row keeps only a node id (cc
 * entries, notifications) but people read the step's name.
 *
 * @example
 * db.selectFrom('cc_entries')
 *   .innerJoin('instances', 'instances.id', 'cc_entries.instance_id')
 *   .select(nodeNameSql(sql.ref('instances.version_id'), sql.ref('cc_entries.node_id')).as('node_name'));
 */
export function nodeNameSql(
  versionId: Expression<number>,
  nodeId: Expression<string | null>,
): RawBuilder<LocalizedText | null> {
  return sql<LocalizedText | null>`(
    select n->'name' from process_versions pv cross join jsonb_array_elements(pv.definition->'nodes') n
    where pv.id = ${versionId} and n->>'id' = ${nodeId} limit 1)`;
}
