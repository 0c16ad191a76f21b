import type { RecordOf, ResourceKind } from './records.js';

/**
 * What the importer asks of the database, as plain JSON requests and answers:
 * the same calls run in the CLI's process (store.ts) or, on the embedded
 * database a gateway holds, in the gateway's (channel-store.ts).
 */
export interface ImportStore {
  /** Takes the account's import lock (creating the account when it is new) and says where an interrupted run stopped. */
  begin(request: BeginRequest): Promise<BeginResult>;
  /** Writes one page with its checkpoint, in one transaction (a dry run only counts). */
  write(request: WriteRequest): Promise<Counts>;
  /** Prunes (when asked), marks the run finished and drops its checkpoints. */
  finish(request: FinishRequest): Promise<FinishResult>;
  /** Gives up the lock of an unfinished run, so the next run resumes it at once. */
  release(request: { accountSid: string; runId: string }): Promise<void>;
}

export interface BeginRequest {
  accountSid: string;
  /** The source's base URL: a run resumes only from the same source. */
  source: string;
  prune: boolean;
  dryRun: boolean;
  owner: { pid: number; host: string };
  /** Name for the account when the import creates it. */
  accountName: string;
  /** With --keep-token: the account's auth token becomes this one (only its hash is stored). */
  authToken?: string | undefined;
}

export interface BeginResult {
  runId: string;
  /** True when an interrupted run continues from its checkpoints. */
  resumed: boolean;
  checkpoints: Checkpoint[];
  /** Whether the import created the account, and its new auth token (shown once) when it made one up. */
  account: { created: boolean; authToken?: string };
}

/** Where a run stands in one list (`credentials`, `services`, `users:IS…`, `bindings:IS…`). */
export interface Checkpoint {
  list: string;
  /** The next page's URL; null once the list is done. */
  nextPage: string | null;
  done: boolean;
  pages: number;
  records: number;
}

export type WriteRequest = {
  [K in ResourceKind]: {
    kind: K;
    accountSid: string;
    runId: string;
    dryRun: boolean;
    prune: boolean;
    /** For users and bindings: the service the page belongs to. */
    serviceSid?: string;
    /** Who imports (the Twilio account or API key SID): recorded with every deletion the import makes. */
    actorSid: string;
    records: RecordOf[K][];
    /** The list this page belongs to and where its next page starts (null: this was the last). */
    checkpoint: { list: string; nextPage: string | null };
  };
}[ResourceKind];

export interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface FinishRequest {
  accountSid: string;
  runId: string;
  dryRun: boolean;
  prune: boolean;
  actorSid: string;
  /** The services the run read completely: only their bindings are pruned. */
  serviceSids: string[];
  /** Dry run: how many source bindings of those services exist here. */
  matched?: number;
}

export interface FinishResult {
  pruned: number;
}
