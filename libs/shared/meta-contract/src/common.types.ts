/** Value objects shared by several event kinds. */

/**
 * One error as Meta reports it (statuses, messages, `value.errors`). Key
 * logic on `code` + `details`: Meta says titles will be deprecated.
 */
export interface MetaError {
  readonly code: number | undefined;
  readonly title: string | undefined;
  /** Equal to `title` on current payloads; absent on older ones. */
  readonly message: string | undefined;
  /** `error_data.details` (a bare `details` on some older payloads). */
  readonly details: string | undefined;
  /** Absolute on older payloads, site-relative on newer ones. */
  readonly href: string | undefined;
}

/** The `contacts[]` entry that describes a message's sender or a status's recipient. */
export interface Contact {
  /** Phone-based id; `undefined` when absent or sent as "" (BSUID-only users). */
  readonly waId: string | undefined;
  /** Business-scoped user id (BSUID), unique per business portfolio. */
  readonly userId: string | undefined;
  readonly parentUserId: string | undefined;
  readonly username: string | undefined;
  readonly profileName: string | undefined;
  readonly identityKeyHash: string | undefined;
}

export interface MessageContext {
  /** Sender of the message replied to (the business number for replies to us). */
  readonly from: string | undefined;
  /** wamid of the message replied to, or of the template for a quick reply. */
  readonly id: string | undefined;
  readonly forwarded: boolean;
  readonly frequentlyForwarded: boolean;
  readonly referredProduct:
    | { readonly catalogId: string | undefined; readonly productRetailerId: string | undefined }
    | undefined;
}

/** Click-to-WhatsApp ad or post that started the conversation. */
export interface Referral {
  readonly sourceUrl: string | undefined;
  readonly sourceId: string | undefined;
  readonly sourceType: string | undefined;
  readonly headline: string | undefined;
  readonly body: string | undefined;
  readonly mediaType: string | undefined;
  readonly imageUrl: string | undefined;
  readonly videoUrl: string | undefined;
  readonly thumbnailUrl: string | undefined;
  /** Click id for conversion reporting; omitted for Status-placement ads. */
  readonly ctwaClid: string | undefined;
  readonly welcomeMessageText: string | undefined;
}

export interface Conversation {
  readonly id: string | undefined;
  /** Only on `sent` statuses. */
  readonly expirationTimestamp: number | undefined;
  readonly originType: string | undefined;
}

export interface Pricing {
  /** Deprecated by Meta in favour of `type` + `category`. */
  readonly billable: boolean | undefined;
  /** `CBP` before 1 July 2025, `PMP` after. */
  readonly pricingModel: string | undefined;
  /** `regular`, `free_customer_service`, `free_entry_point`…; absent under CBP. */
  readonly type: string | undefined;
  readonly category: string | undefined;
}

/**
 * A messaging limit sent as a count (2000, -1) or a tier (`TIER_2K`), with
 * both mapped onto one scale so domain code compares numbers.
 */
export interface MessagingLimit {
  readonly raw: number | string;
  /** Daily business-initiated conversations; `undefined` for `TIER_NOT_SET` or an unknown label. */
  readonly dailyConversations: number | 'unlimited' | undefined;
}
