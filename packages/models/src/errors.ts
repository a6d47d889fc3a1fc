/**
 * Everything `models` can fail with. Each error has a stable `code` and a message short enough to
 * print as the CLI's only output: no stack trace ever reaches the user.
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

export class ModelsError extends Error {
  override readonly name = 'ModelsError';
  constructor(
    readonly code: ModelsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
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
