import { sha256Hex } from './media';
import type { Oracle, OracleContact, OracleConversation, OracleInbound } from './plan.types';
import { Diffs, ReadApi, subsetMismatch } from './read-api';

interface WindowAnswer {
  conversationId: string | null;
  contactId: string | null;
  open: boolean;
  expiresAt: string | null;
  lastInboundAt: string | null;
  freeEntryPoint: { open: boolean; expiresAt: string } | null;
  evaluatedAt: string;
}

interface MessageView {
  wamid: string;
  conversationId: string;
  phoneNumberId: string;
  type: string;
  wireType: string | null;
  timestamp: string;
  timestampSource: string;
  content: unknown;
  context: { replyTo: { wamid: string; internalMessageId: string | null } | null; forwarded: boolean; frequentlyForwarded: boolean } | null;
  referral: { sourceType?: string; ctwaClid?: string } | null;
  errors: Array<{ code?: number }>;
  media: { id: string; mimeType: string | null; status?: string; sha256: string | null; sizeBytes?: number | null } | null;
}

interface ConversationPage {
  conversationId: string;
  messageCount: number;
  firstMessage: { wamid: string } | null;
  lastMessage: { wamid: string } | null;
  window: { expiresAt: string | null; lastInboundAt: string | null };
  freeEntryPoint: { expiresAt: string } | null;
  messages: MessageView[];
  nextCursor: string | null;
}

interface ContactView {
  contactId: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  profileNames: Array<{ name: string }>;
  identities: string[];
  numberChanges: Array<{ fromWaId: string | null; toWaId: string }>;
  identityChanges: unknown[];
  conversations: Array<{ conversationId: string }>;
}

export interface InboundChecked {
  messages: number;
  conversations: number;
  contacts: number;
  media: number;
}

const enc = encodeURIComponent;

/**
 * inbound-reply's read API against the oracle, per conversation: the window
 * (`GET /v1/inbound/window`, open or closed as of its own `evaluatedAt`),
 * the conversation and its messages in Meta-time order
 * (`GET /v1/inbound/conversations/:id`), every message on its own
 * (`GET /v1/inbound/messages/:wamid`), stored media by their bytes
 * (`GET /v1/inbound/media/:wamid/content`), and each contact by every
 * identity it must answer to (`GET /v1/inbound/contacts/:customer`).
 * `quick`: each message as its conversation's page shows it (the same
 * view), without the GET per message and the media bytes.
 */
export async function verifyInbound(oracle: Oracle, api: ReadApi, diffs: Diffs, quick = false): Promise<InboundChecked> {
  const t = api.tenantId;
  const messages = new Map(oracle.inbound.filter((m) => m.tenantId === t).map((m) => [m.wamid, m]));
  const conversations = oracle.conversations.filter((c) => c.tenantId === t);
  const conversationOf = new Map<string, string>();
  for (const conv of conversations) {
    const id = await verifyConversation(conv, messages, api, diffs, quick);
    if (id) conversationOf.set(conv.customer, id);
  }
  const contacts = oracle.contacts.filter((c) => c.tenantId === t);
  for (const contact of contacts) await verifyContact(contact, conversationOf, api, diffs);
  return { messages: messages.size, conversations: conversations.length, contacts: contacts.length, media: [...messages.values()].filter((m) => m.media).length };
}

async function verifyConversation(conv: OracleConversation, messages: ReadonlyMap<string, OracleInbound>, api: ReadApi, diffs: Diffs, quick: boolean): Promise<string | undefined> {
  const t = api.tenantId;
  const subject = `conversation ${conv.phoneNumberId}/${conv.customer}`;
  const check = (field: string, expected: unknown, actual: unknown) => diffs.check(api.service, t, subject, field, expected, actual);
  const w = await api.get<WindowAnswer>(`/v1/inbound/window?phoneNumberId=${enc(conv.phoneNumberId)}&customer=${enc(conv.customer)}`);
  if (!w) return undefined;
  if (w.conversationId === null) {
    diffs.add(api.service, t, subject, 'conversation', `${conv.messageCount} messages`, 'missing');
    if (!quick) for (const wamid of conv.wamids) await verifyAlone(messages.get(wamid) as OracleInbound, undefined, api, diffs);
    return undefined;
  }
  const now = Date.parse(w.evaluatedAt);
  const openUntil = (iso: string | null) => iso !== null && now < Date.parse(iso);
  check('window.lastInboundAt', conv.lastInboundAt, w.lastInboundAt);
  check('window.expiresAt', conv.windowExpiresAt, w.expiresAt);
  check('window.open', openUntil(conv.windowExpiresAt), w.open);
  const fep = conv.freeEntryPointExpiresAt;
  check('freeEntryPoint', fep === null ? null : { open: openUntil(fep), expiresAt: fep }, w.freeEntryPoint);

  const pages: ConversationPage[] = [];
  let cursor: string | null = null;
  do {
    const page: ConversationPage | null | undefined = await api.get(`/v1/inbound/conversations/${enc(w.conversationId)}?limit=500${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    if (!page) {
      if (page === null) diffs.add(api.service, t, subject, 'conversation', w.conversationId, 'not found');
      return w.conversationId;
    }
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  const head = pages[0] as ConversationPage;
  check('messageCount', conv.messageCount, head.messageCount);
  check('firstMessage', conv.wamids[0], head.firstMessage?.wamid);
  check('lastMessage', conv.wamids[conv.wamids.length - 1], head.lastMessage?.wamid);
  check('conversation.window', { expiresAt: conv.windowExpiresAt, lastInboundAt: conv.lastInboundAt }, { expiresAt: head.window.expiresAt, lastInboundAt: head.window.lastInboundAt });
  check('conversation.freeEntryPoint', fep, head.freeEntryPoint?.expiresAt);
  const listed = pages.flatMap((p) => p.messages);
  const expected = new Set(conv.wamids);
  const seen = new Set(listed.map((m) => m.wamid));
  check('order', conv.wamids.filter((id) => seen.has(id)), listed.map((m) => m.wamid).filter((id) => expected.has(id)));
  for (const extra of listed.filter((m) => !expected.has(m.wamid))) diffs.add(api.service, t, extra.wamid, 'message', 'absent', `${extra.type} in ${w.conversationId}`);
  for (const wamid of conv.wamids.filter((id) => !seen.has(id))) diffs.add(api.service, t, wamid, 'listed', w.conversationId, 'not in its conversation');
  if (quick) {
    for (const view of listed) {
      const m = messages.get(view.wamid);
      if (m) await checkMessage(m, view, api, diffs, false);
    }
    return w.conversationId;
  }
  // Each message on its own, as a client asks for it.
  for (const wamid of conv.wamids) await verifyAlone(messages.get(wamid) as OracleInbound, w.conversationId, api, diffs);
  return w.conversationId;
}

/** `GET /v1/inbound/messages/:wamid`: the message, in the conversation it belongs to. */
async function verifyAlone(m: OracleInbound, conversationId: string | undefined, api: ReadApi, diffs: Diffs): Promise<void> {
  const view = await api.get<MessageView>(`/v1/inbound/messages/${enc(m.wamid)}`);
  if (view === null) diffs.add(api.service, api.tenantId, m.wamid, 'message', m.type, 'missing');
  if (!view) return;
  if (conversationId !== undefined) diffs.check(api.service, api.tenantId, m.wamid, 'conversationId', conversationId, view.conversationId);
  await checkMessage(m, view, api, diffs);
}

async function checkMessage(m: OracleInbound, v: MessageView, api: ReadApi, diffs: Diffs, readBytes = true): Promise<void> {
  const check = (field: string, expected: unknown, actual: unknown) => diffs.check(api.service, api.tenantId, m.wamid, field, expected, actual);
  check('type', m.type, v.type);
  check('wireType', m.wireType, v.wireType);
  check('timestamp', { at: m.timestamp, source: 'meta' }, { at: v.timestamp, source: v.timestampSource });
  check('phoneNumberId', m.phoneNumberId, v.phoneNumberId);
  check('replyTo', m.replyTo, v.context?.replyTo ? { wamid: v.context.replyTo.wamid, internalMessageId: v.context.replyTo.internalMessageId } : null);
  check('forwarded', [m.forwarded, m.frequentlyForwarded], [v.context?.forwarded ?? false, v.context?.frequentlyForwarded ?? false]);
  check('referral', m.referral, v.referral ? { sourceType: v.referral.sourceType ?? null, ctwaClid: v.referral.ctwaClid ?? null } : null);
  check('errorCodes', m.errorCodes, v.errors.map((e) => e.code));
  const mismatch = subsetMismatch(m.content, v.content);
  if (mismatch !== null) diffs.add(api.service, api.tenantId, m.wamid, `content${mismatch === '.' ? '' : mismatch}`, m.content, v.content);
  if (!m.media) return check('media', null, v.media);
  const got = v.media ? { id: v.media.id, status: v.media.status ?? null, mimeType: v.media.mimeType, sha256: v.media.sha256, sizeBytes: v.media.sizeBytes ?? null } : null;
  const want = { id: m.media.id, status: 'stored', mimeType: m.media.mimeType, sha256: m.media.sha256, sizeBytes: m.media.sizeBytes };
  check('media', want, got);
  if (got?.status !== 'stored' || !readBytes) return;
  // The stored bytes themselves, not only the service's record of them.
  const bytes = await api.bytes(`/v1/inbound/media/${enc(m.wamid)}/content`);
  check('media.content.sha256', m.media.sha256, typeof bytes === 'string' ? bytes : sha256Hex(bytes));
}

async function verifyContact(c: OracleContact, conversationOf: ReadonlyMap<string, string>, api: ReadApi, diffs: Diffs): Promise<void> {
  const t = api.tenantId;
  const subject = `contact ${c.contactId}`;
  const check = (field: string, expected: unknown, actual: unknown) => diffs.check(api.service, t, subject, field, expected, actual);
  const [first, ...others] = c.lookups as [string, ...string[]];
  const v = await api.get<ContactView>(`/v1/inbound/contacts/${enc(first)}`);
  if (v === null) diffs.add(api.service, t, subject, 'contact', first, 'missing');
  if (!v) return;
  check('contactId', c.contactId, v.contactId);
  check('waId', c.waId, v.waId);
  check('userId', c.userId, v.userId);
  check('profileName', c.profileName, v.profileName);
  check('profileNames', c.profileNames, v.profileNames.map((n) => n.name).sort());
  check('identities', c.identities, [...v.identities].sort());
  check('numberChanges', c.numberChanges, v.numberChanges.map((n) => ({ fromWaId: n.fromWaId, toWaId: n.toWaId })));
  check('identityChanges', c.identityChanges, v.identityChanges.length);
  const conversation = conversationOf.get(first);
  if (conversation) check('conversations', [conversation], v.conversations.map((x) => x.conversationId));
  for (const lookup of others) {
    const alias = await api.get<ContactView>(`/v1/inbound/contacts/${enc(lookup)}`);
    if (alias !== undefined) check(`lookup ${lookup}`, c.contactId, alias?.contactId ?? 'missing');
  }
}
