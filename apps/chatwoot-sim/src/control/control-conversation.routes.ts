import { ApiError } from '../common/api-error';
import type { ChatwootSim } from '../chatwoot-sim.facade';
import { type ControlBody, optionalNumber, requiredText } from './control.body';

/** `/sim/conversations[/:id[/:verb]]`: the agent page's and the tests' actions. Undefined for an unknown route. */
export function conversationControl(sim: ChatwootSim, method: string, id: number | undefined, verb: string | undefined, body: ControlBody): unknown {
  if (method === 'GET') {
    if (id === undefined) return sim.conversations();
    const snapshot = sim.conversation(id);
    if (!snapshot) throw new ApiError(404, { error: 'Resource could not be found' });
    return verb ? undefined : snapshot;
  }
  if (method !== 'POST' || id === undefined) return undefined;
  const agentId = optionalNumber(body, 'agentId') ?? undefined;
  switch (verb) {
    case 'reply':
      return sim.agentReply(id, requiredText(body, 'content'), agentId);
    case 'note':
      return sim.agentNote(id, requiredText(body, 'content'), agentId);
    case 'incoming':
      return sim.contactSays(id, requiredText(body, 'content'));
    case 'assign': {
      const by = optionalNumber(body, 'by') ?? undefined;
      const teamId = optionalNumber(body, 'teamId');
      if (teamId !== undefined) return sim.assignTeam(id, teamId, by);
      // No `agentId`: "assign self", the one acting (`by`) or the first agent.
      const target = 'agentId' in body ? (optionalNumber(body, 'agentId') as number | null) : (by ?? firstAgent(sim));
      return sim.assign(id, target, by);
    }
    case 'resolve':
      return sim.resolve(id, agentId);
    case 'reopen':
      return sim.reopen(id, agentId);
    case 'pending':
      return sim.setStatus(id, 'pending', agentId);
    case 'typing':
      sim.typing(id, body.on !== false, agentId, body.private === true);
      return { ok: true };
    default:
      return undefined;
  }
}

function firstAgent(sim: ChatwootSim): number {
  return sim.users().find((u) => u.role === 'agent')?.id ?? sim.users()[0]!.id;
}
