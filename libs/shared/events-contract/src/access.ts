import { ConsumerGroups, deadLetterTopic, FallbackTopics, InboundTopics, retryTopic, StatusTopics, TemplateTopics, Topics } from './topics';

/** The principals of a deployment: who runs each part of the suite. */
export type AccessRole = 'intake' | 'status-projector' | 'fallback-trigger' | 'template-monitor' | 'inbound-reply' | 'tools';

export const ACCESS_ROLES: readonly AccessRole[] = ['intake', 'status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply', 'tools'];

/** What one role may do on Kafka, by logical topic and group names (the deployment's prefix is added when applied). */
export interface RoleAccess {
  /** Topics it consumes (READ and DESCRIBE). */
  read: string[];
  /** Topics it produces to (WRITE and DESCRIBE; WRITE also covers the idempotent producer). */
  write: string[];
  /** Consumer groups it uses: exact ids, and prefixes for groups named per run. */
  groups: string[];
  groupPrefixes: string[];
}

const consumer = (group: string, inputs: string[], outputs: string[]): RoleAccess => ({
  read: [...inputs, retryTopic(group)],
  // Its own dead letters; its DLQ and retry topics exist already (the topics job creates them).
  write: [...outputs, deadLetterTopic(group)],
  groups: [group],
  groupPrefixes: [],
});

/**
 * The ACLs the architecture needs, and no more: only the intake writes the
 * raw and unrouted topics; each service reads only its inputs (and its own
 * retry topic), writes only its outputs and its own dead letters, and joins
 * only its own consumer group. The tools' role replays dead letters (reads
 * every `.dlq`, writes every `.retry`); `npm run unrouted:replay` writes raw
 * records, so it runs with the intake's credentials, whose role also reads
 * the unrouted topic. `kafka-admin create-acls` applies this table.
 */
export function accessOf(role: AccessRole, groups: typeof ConsumerGroups = ConsumerGroups): RoleAccess {
  switch (role) {
    case 'intake':
      return { read: [Topics.webhooksUnrouted], write: [Topics.webhooksRaw, Topics.webhooksUnrouted], groups: [], groupPrefixes: ['wahooks-unrouted-replay-'] };
    case 'status-projector':
      return consumer(groups.statusProjector, [Topics.webhooksRaw, Topics.messagesAccepted], [StatusTopics.statusChanged, StatusTopics.alerts, StatusTopics.conversions]);
    case 'fallback-trigger':
      return consumer(groups.fallbackTrigger, [Topics.webhooksRaw, Topics.messagesAccepted], [...Object.values(FallbackTopics), StatusTopics.alerts]);
    case 'template-monitor':
      return consumer(groups.templateMonitor, [Topics.webhooksRaw], [TemplateTopics.stateChanged, StatusTopics.alerts]);
    case 'inbound-reply':
      return consumer(groups.inboundReply, [Topics.webhooksRaw], Object.values(InboundTopics));
    case 'tools': {
      const all = Object.values(groups);
      return { read: all.map(deadLetterTopic), write: all.map(retryTopic), groups: [], groupPrefixes: all.map((g) => `${deadLetterTopic(g)}-replayer`) };
    }
  }
}
