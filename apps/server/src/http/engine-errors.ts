import type { ApiIssue } from '@baton/client/contract';
import type { EngineError } from '@baton/engine';
import { ApiError } from '../errors.ts';

/**
 * The issue of an `ENG_UNKNOWN_USER` refusal (a `fromField` owner's field names no user and no
 * fallback applies), for `API_INVALID_FORM` or `API_INVALID_DATA`: the engine's path and message.
 */
export function toUnknownUserIssue(error: EngineError): ApiIssue {
  return { path: error.path ?? '', code: 'API_UNKNOWN_USER', message: error.message };
}

/**
 * Turns a rejected engine command into the API error the caller sees: stale or conflicting
 * commands are 409, an actor who is neither assignee nor candidate 403, unknown tasks or
 * incidents 404, a bad return target 400. The engine's message (what happened) is kept.
 */
export function toApiErrorFromEngine(
  error: EngineError,
  where: { instanceId: string; task?: string | number; incident?: string },
): ApiError {
  const reason = error.message;
  switch (error.code) {
    case 'ENG_TASK_NOT_OPEN':
      return new ApiError('API_TASK_NOT_OPEN', { reason });
    case 'ENG_TASK_ALREADY_CLAIMED':
      return new ApiError('API_TASK_ALREADY_CLAIMED', { reason });
    case 'ENG_INSTANCE_ENDED':
      return new ApiError('API_INSTANCE_ENDED', { reason });
    case 'ENG_NOT_ALLOWED':
      return new ApiError('API_NOT_ALLOWED', { reason });
    case 'ENG_TASK_NOT_FOUND':
      return new ApiError('API_TASK_NOT_FOUND', { id: where.task ?? '?' });
    case 'ENG_INCIDENT_NOT_FOUND':
      return new ApiError('API_INCIDENT_NOT_FOUND', { id: where.instanceId, incident: where.incident ?? '?' });
    case 'ENG_RETURN_TARGET_INVALID':
      return new ApiError('API_RETURN_TARGET_INVALID', { reason });
    // Issue 9: a withdrawal too late is a conflict with what others did; a command that makes no
    // sense here (no decision on a several-signer step, a bad 加签, a bad comment) is 422.
    case 'ENG_WITHDRAW_NOT_ALLOWED':
      return new ApiError('API_WITHDRAW_REFUSED', { reason: withStop(reason) });
    case 'ENG_DECISION_REQUIRED':
    case 'ENG_ADD_SIGNERS_INVALID':
    case 'ENG_COMMENT_INVALID':
      return new ApiError('API_COMMAND_INVALID', { reason: withStop(`${error.code}: ${reason}`) }, commandIssue(error));
    case 'ENG_UNKNOWN_USER':
      return new ApiError(
        'API_BAD_REQUEST',
        { reason: reason.replace(/\.$/, '') },
        { issues: [toUnknownUserIssue(error)] },
      );
    case 'ENG_TIMER_NOT_FOUND':
    case 'ENG_CALL_NOT_FOUND':
    case 'ENG_ALREADY_STARTED':
    case 'ENG_NOT_STARTED':
      return new ApiError('API_CONFLICT', { reason: `${error.code}: ${reason}` });
    default:
      return fromNewEngineCode(error.code, reason);
  }
}

/**
 * A code without a case above, judged by its name so that a code the engine adds later maps to
 * the right family before it gets a case of its own: a refused withdrawal is 409
 * `API_WITHDRAW_REFUSED`, someone not entitled 403, a command that makes no sense here 422
 * `API_COMMAND_INVALID`, anything else a conflict with the current state (409).
 */
function fromNewEngineCode(code: string, reason: string): ApiError {
  if (code.includes('WITHDRAW')) return new ApiError('API_WITHDRAW_REFUSED', { reason: withStop(reason) });
  if (code.includes('NOT_ALLOWED') || code.includes('FORBIDDEN')) return new ApiError('API_NOT_ALLOWED', { reason });
  if (/DECISION|SIGNER|INVALID|REQUIRED|UNKNOWN|EMPTY|SELF|DUPLICATE/.test(code))
    return new ApiError('API_COMMAND_INVALID', { reason: withStop(`${code}: ${reason}`) });
  return new ApiError('API_CONFLICT', { reason: `${code}: ${reason}` });
}

/** The engine's JSON Pointer, when it names the value at fault, as the one issue of a 422. */
function commandIssue(error: EngineError): { issues?: ApiIssue[] } {
  return error.path === undefined ? {} : { issues: [{ path: error.path, code: error.code, message: error.message }] };
}

function withStop(text: string): string {
  return /[.!?。]$/.test(text) ? text : `${text}.`;
}
