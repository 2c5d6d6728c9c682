/**
 * The safetensors format (https://github.com/huggingface/safetensors): an
 * 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON header, then
 * the tensors' bytes, little-endian and row-major:
 *
 * ```text
 * {"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}
 * ```
 *
 * `data_offsets` are `[begin, end)` byte offsets into the data section (which
 * starts right after the header). Loading never trusts the header: every entry
 * is validated (dtype, shape, offsets, byte size, exact tiling of the data
 * section) before any tensor is allocated, and every problem is a
 * {@link SafetensorsError} that says what is wrong and where.
 *
 * Writing is deterministic (same tensors and metadata → same bytes), in the
 * reference implementation's compact JSON style:
 * - `"__metadata__"` first (only when metadata is given), its keys sorted;
 * - then the tensors **sorted by name** (Unicode code point order, which is
 *   UTF-8 byte order, as Rust sorts strings), each as
 *   `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}`, with contiguous
 *   offsets (no gaps); the reference implementation instead orders by dtype
 *   (widest first) and then name, which readers do not depend on;
 * - the header padded with spaces to a multiple of 8 bytes, as the reference does;
 * - strings escaped as `JSON.stringify` does (which matches serde_json).
 */
export {
  type LoadedSafetensors,
  type LoadSafetensorsOptions,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsDType,
  SafetensorsError,
  type SaveSafetensorsOptions,
  safetensorsReadDTypes,
} from './safetensors-format';
export { loadSafetensors, loadSafetensorsFromUrl } from './safetensors-read';
export { saveSafetensors } from './safetensors-write';
