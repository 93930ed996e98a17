import { AclOperationTypes, AclResourceTypes } from 'kafkajs';

import { ACCESS_ROLES, AccessRole, ConsumerGroups, Topics } from '@wahooks/events-contract';

import { aclEntries } from './main';

const principals = Object.fromEntries(ACCESS_ROLES.map((r) => [r, `User:${r}`])) as Record<AccessRole, string>;
const acl = aclEntries('prod.', principals);
const who = (operation: AclOperationTypes, resourceType: AclResourceTypes, name: string) =>
  acl.filter((e) => e.operation === operation && e.resourceType === resourceType && e.resourceName === name).map((e) => e.principal).sort();

describe('the ACL table', () => {
  it('lets only the intake write the raw and unrouted topics', () => {
    expect(who(AclOperationTypes.WRITE, AclResourceTypes.TOPIC, `prod.${Topics.webhooksRaw}`)).toEqual(['User:intake']);
    expect(who(AclOperationTypes.WRITE, AclResourceTypes.TOPIC, `prod.${Topics.webhooksUnrouted}`)).toEqual(['User:intake']);
  });

  it('lets each service read its inputs, write its own dead letters and join only its own group', () => {
    expect(who(AclOperationTypes.READ, AclResourceTypes.TOPIC, `prod.${Topics.webhooksRaw}`)).toEqual(['User:fallback-trigger', 'User:inbound-reply', 'User:status-projector', 'User:template-monitor']);
    expect(who(AclOperationTypes.READ, AclResourceTypes.TOPIC, `prod.${Topics.messagesAccepted}`)).toEqual(['User:fallback-trigger', 'User:status-projector']);
    for (const [role, group] of [['status-projector', ConsumerGroups.statusProjector], ['fallback-trigger', ConsumerGroups.fallbackTrigger], ['template-monitor', ConsumerGroups.templateMonitor], ['inbound-reply', ConsumerGroups.inboundReply]] as const) {
      expect(who(AclOperationTypes.READ, AclResourceTypes.GROUP, group)).toEqual([`User:${role}`]);
      expect(who(AclOperationTypes.WRITE, AclResourceTypes.TOPIC, `prod.${group}.dlq`)).toEqual([`User:${role}`]);
      // Only the replaying tool puts dead letters back; only the group reads them there.
      expect(who(AclOperationTypes.WRITE, AclResourceTypes.TOPIC, `prod.${group}.retry`)).toEqual(['User:tools']);
      expect(who(AclOperationTypes.READ, AclResourceTypes.TOPIC, `prod.${group}.retry`)).toEqual([`User:${role}`]);
    }
  });

  it('grants nothing on the cluster and nothing to delete, alter or create', () => {
    expect(acl.filter((e) => e.resourceType === AclResourceTypes.CLUSTER)).toEqual([]);
    expect(acl.filter((e) => ![AclOperationTypes.READ, AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE].includes(e.operation))).toEqual([]);
  });
});
