// Regenerates docs/errors.md from the error registries of every package:
//   npx tsx scripts/errors-doc.ts
// Each package's tests check that its section of docs/errors.md lists exactly its codes.
import { writeFileSync } from 'node:fs';
import {
  calendarErrorCodes,
  calendarIssueCodes,
  definitionIssueCodes,
  expressionErrorCodes,
} from '../packages/definition/src/index.ts';
import { engineErrorCodes } from '../packages/engine/src/index.ts';
import { apiErrors } from '../apps/server/src/errors.ts';
import { cliIssueCodes } from '../apps/cli/src/errors.ts';

type Row = { what: string; fix: string };
const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (codes: Record<string, Row>) =>
  [
    '| Code | What happened | How to fix |',
    '|---|---|---|',
    ...Object.entries(codes).map(([c, r]) => `| \`${c}\` | ${esc(r.what)} | ${esc(r.fix)} |`),
  ].join('\n');

const api = [
  '| Code | HTTP status | Message (what happened and how to fix) |',
  '|---|---|---|',
  ...Object.entries(apiErrors).map(([c, r]) => `| \`${c}\` | ${r.status} | ${esc(r.message)} |`),
].join('\n');

const doc = `# Error codes

Every problem Baton reports carries a stable code. Codes are never reused once retired. This page
is generated from the registries in the code (\`npx tsx scripts/errors-doc.ts\`); each package's
tests fail when its section and its registry drift apart.

Definition and calendar issues come with a JSON Pointer \`path\` into the document and a
\`severity\`; only errors block saving and publishing.

Messages are English: they are written for developers, operators and logs, and they name the
values involved. The contract is the code (with the \`path\` and the structured fields beside
it): a user interface shows its own zh-CN or en text for a code, never the message.

## Definitions (\`DEF_\`)

Reported by \`validateDefinition\`, \`baton validate\` and the API when a definition is saved.

${table(definitionIssueCodes)}

## Business calendars (\`CAL_\`)

Issues reported by \`validateCalendar\`:

${table(calendarIssueCodes)}

Errors thrown by calendar arithmetic (programming mistakes, such as an invalid calendar):

${table(calendarErrorCodes)}

## Expressions (\`EXPR_\`)

FEEL expressions in conditions, triggers and computed fields. At validation time these surface as
\`DEF_EXPRESSION_SYNTAX\` or \`DEF_UNKNOWN_FIELD\`; at run time as an \`ENG_EXPRESSION_FAILED\`
incident that quotes the \`EXPR_\` code.

${table(expressionErrorCodes)}

## Engine (\`ENG_\`)

A rejected command leaves the instance exactly as it was. Failures while running raise an
incident on the instance that an operator can retry or skip.

${table(engineErrorCodes)}

## API (\`API_\`)

HTTP errors answer \`{ statusCode, code, error, message, issues? }\`. Placeholders in braces are
filled in each response.

${api}

### Websocket messages

Errors sent on \`/api/ws\` as \`{ type: 'error', code, message }\`; the socket stays open.

| Code | Where | What happened and how to fix |
|---|---|---|
| \`API_BAD_MESSAGE\` | websocket | The message is not JSON or not one of \`subscribe\`, \`unsubscribe\`, \`ping\` with exactly their fields. Send a message from the protocol in \`apps/server/src/ws/README.md\`. |
| \`API_LIMIT_EXCEEDED\` | websocket | Too many subscriptions on one socket. Unsubscribe from instances you no longer watch. |
| \`API_FORBIDDEN\`, \`API_NOT_FOUND\`, \`API_INTERNAL\` | websocket | As for HTTP: you may not watch that instance, it does not exist, or the server failed. |

## Command line (\`CLI_\`)

Problems \`baton validate\` meets before a file reaches the validator.

${table(cliIssueCodes)}
`;
writeFileSync(new URL('../docs/errors.md', import.meta.url), doc);
console.log('docs/errors.md written');
