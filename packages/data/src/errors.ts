/**
 * A dataset file (or buffer) that does not have the layout its reader expects:
 * a wrong magic number, a truncated or oversized body, counts that disagree, a
 * label out of range, or a missing file or directory. The message names the
 * file, what is wrong, and the expected layout; `file` holds the file's path or
 * URL (or the name the caller gave a buffer).
 *
 * @example
 * try {
 *   parseIdx(bytes, { file: 'train-images-idx3-ubyte' });
 * } catch (e) {
 *   if (e instanceof DataFormatError) console.error(e.file, e.message);
 * }
 */
export class DataFormatError extends Error {
  override name = 'DataFormatError';
  /** The path, URL or name of the offending file, when known. */
  readonly file: string | undefined;

  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
  }
}
