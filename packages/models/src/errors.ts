import { ParleyError } from '@parley/errors';

/**
 * Everything `models` can fail with. Each error has a stable `code` and a message short enough to
 * print as the CLI's only output (so it is its user message too): no stack trace ever reaches the user.
 */
export type ModelsErrorCode =
  | 'UNKNOWN_MODEL'
  | 'BAD_ARGUMENTS'
  | 'BAD_SETTING'
  | 'HUB_UNREACHABLE'
  | 'HUB_DENIED'
  | 'NOT_FOUND'
  | 'NO_EXPORT'
  | 'INTEGRITY'
  | 'DOWNLOAD_FAILED'
  | 'BAD_FILE';

/**
 * Whether running the same command again cannot help: the hub dropping out, a transfer broken off
 * or a corrupt file (removed) may succeed on the next try; a wrong name, argument, setting, file or
 * missing access will not.
 */
const PERMANENT: Readonly<Record<ModelsErrorCode, boolean>> = {
  UNKNOWN_MODEL: true,
  BAD_ARGUMENTS: true,
  BAD_SETTING: true,
  HUB_UNREACHABLE: false,
  HUB_DENIED: true,
  NOT_FOUND: true,
  NO_EXPORT: true,
  INTEGRITY: false,
  DOWNLOAD_FAILED: false,
  BAD_FILE: true,
};

export class ModelsError extends ParleyError<ModelsErrorCode> {
  override readonly name: string = 'ModelsError';
  constructor(code: ModelsErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, message, { permanent: PERMANENT[code], message, cause: options.cause });
  }
}

/** A short name that is not in the catalog (and not an `owner/name` repo). */
export class UnknownModelError extends ModelsError {
  constructor(
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    super('UNKNOWN_MODEL', `Unknown model "${requested}". Known names: ${known.join(', ')}. Or give a Hugging Face repo as owner/name.`);
  }
}

/**
 * No answer from the hub at all (DNS, refused, offline). The message says what works without it:
 * a mirror, or an export copied in by hand and imported.
 */
export class HubUnreachableError extends ModelsError {
  constructor(
    readonly endpoint: string,
    /** The network error's code (ENOTFOUND, ECONNREFUSED) or message. */
    readonly reason: string,
    options: ErrorOptions = {},
  ) {
    super(
      'HUB_UNREACHABLE',
      `Cannot reach the hub at ${endpoint} (${reason}). Set HF_ENDPOINT to a mirror, or copy an export in by hand and run: npm run models -- import <folder or .tar>`,
      options,
    );
  }

  /** The failure without the advice, for a message that embeds it. */
  get failure(): string {
    return `Cannot reach the hub at ${this.endpoint} (${this.reason})`;
  }
}

/** A downloaded file does not match the size or hash the hub lists for it. */
export class IntegrityError extends ModelsError {
  constructor(
    readonly repo: string,
    readonly file: string,
    detail: string,
  ) {
    super('INTEGRITY', `${file} from ${repo} is corrupt (${detail}); the partial file was removed, run pull again.`);
  }
}

/** The hub answered 404 for a repo, revision or file. */
export class NotFoundError extends ModelsError {
  constructor(
    readonly repo: string,
    readonly file: string | null,
    revision: string,
  ) {
    super(
      'NOT_FOUND',
      file === null
        ? `${repo} (revision ${revision}) was not found on the hub: check the name, or set HF_TOKEN for a private or gated repo.`
        : `${file} was not found in ${repo} (revision ${revision}).`,
    );
  }
}
