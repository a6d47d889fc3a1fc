import type { CodedError } from '@parley/errors';
import type { ConversationMessage, Platform, ReplyTarget, Task, TaskRequest } from '@parley/jobs';
import type { Settings } from '@parley/settings';
import type { ChannelScope } from './settings-store.js';

/**
 * What every chat adapter's input comes down to. An adapter turns a slash command, a shortcut,
 * a context menu, a mention or a typed line into one `ChatRequest` and one `RequestReplies`;
 * the request pipeline does the rest, the same way for every platform.
 */

/** The platforms with a chat adapter (the demo queues its one request by itself). */
export type ChatPlatform = Exclude<Platform, 'demo'>;

/** What a request works on, in the same words on every platform (logs, metrics, the conformance suite). */
export type SourceKind = 'thread' | 'channel' | 'message' | 'text';

/** What a source read: the messages, and the task when the read settles it. */
export interface SourceRead {
  /** Oldest first: Parley's own left out (or, for a follow-up, its answers as turns), other bots' marked `isBot`. */
  messages: ConversationMessage[];
  /** Replaces the request's task: a question in a thread Parley has already answered is a follow-up (`follow-up.ts`). */
  task?: TaskRequest;
}

export interface RequestSource {
  kind: SourceKind;
  /** What to work on. A problem the user can act on (no access, nothing there) is thrown as a coded error. */
  read(): Promise<SourceRead>;
  /** What the requester hears when what was read holds nothing to work on, naming what was looked at. */
  nothingToRead: string;
}

export interface ChatRequest {
  /** Derived from what identifies the request on its platform, so a redelivery maps to the same id. */
  requestId: string;
  /** The platform, workspace (team, guild) and channel: settings, rate limits and fair share are kept per scope. */
  scope: ChannelScope;
  userId: string;
  /** What to do, unless the source's read settles it otherwise. */
  task: TaskRequest;
  /** Settings typed into the command, over the channel's. */
  overrides: Settings;
  /** Only the requester sees the answer. */
  private: boolean;
  source: RequestSource;
}

/** What the requester is told while the request waits, before any platform words are put around it. */
export interface WorkingStatus {
  task: Task;
  /** Messages the job carries. */
  messages: number;
}

/**
 * How one request's requester hears from Parley before the answer: each adapter's own platform
 * calls. The pipeline calls them in order: `accepted` once admitted, `working` just before the
 * job is queued, `queued` once it is; or `refused`, once, when it is not queued.
 */
export interface RequestReplies<T extends ReplyTarget = ReplyTarget> {
  /** Admitted (not rate-limited, the queue has room): the platform's acknowledgement, if it has one to send now. */
  accepted?(): Promise<void>;
  /** Shows that the work is starting where the platform can (a deferred reply, a placeholder), and says where the answer goes. */
  working(status: WorkingStatus): Promise<T>;
  /** Queued behind `ahead` requests (0: it runs next). */
  queued(status: WorkingStatus & { ahead: number }): Promise<void>;
  /** Not queued: `error.userMessage` says why, in words for the requester. */
  refused(error: CodedError): Promise<void>;
}
