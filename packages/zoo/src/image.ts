/**
 * Decoding small grayscale images for inference: PNG through fast-png, and
 * binary/ASCII PGM (P5/P2) through a strict parser here (no maintained npm
 * package reads PGM; the format is a short text header and raw samples).
 * Output: grayscale intensities in [0, 1], row-major.
 */
import { decode as decodePng } from 'fast-png';

export interface GrayImage {
  width: number;
  height: number;
  /** Intensities in [0, 1], length width * height. */
  pixels: Float32Array;
}

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

const MAX_PIXELS = 4096 * 4096;

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

function fromPng(bytes: Uint8Array): GrayImage {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (error) {
    throw new ImageDecodeError(`PNG: cannot decode (${(error as Error).message})`);
  }
  const { width, height, channels, depth, data } = png;
  if (width * height > MAX_PIXELS) throw new ImageDecodeError(`PNG: ${width}x${height} is larger than ${MAX_PIXELS} pixels`);
  if (png.palette) throw new ImageDecodeError('PNG: palette images are not supported; save as grayscale or RGB');
  const max = 2 ** depth - 1;
  const pixels = new Float32Array(width * height);
  const colour = channels >= 3;
  for (let i = 0; i < width * height; i++) {
    const base = i * channels;
    const value = colour
      ? 0.299 * (data[base] as number) + 0.587 * (data[base + 1] as number) + 0.114 * (data[base + 2] as number)
      : (data[base] as number);
    // Transparent pixels count as background (0) so digits drawn on a transparent canvas work.
    const alpha = channels === 2 || channels === 4 ? (data[base + channels - 1] as number) / max : 1;
    pixels[i] = (value / max) * alpha;
  }
  return { width, height, pixels };
}

function fromPgm(bytes: Uint8Array): GrayImage {
  const binary = bytes[1] === 0x35; // P5
  // Header: magic, width, height, maxval, separated by whitespace, with # comments.
  const fields: number[] = [];
  let i = 2;
  while (fields.length < 3 && i < bytes.length) {
    const c = bytes[i] as number;
    if (c === 0x23) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
    } else if (c >= 0x30 && c <= 0x39) {
      let v = 0;
      while (i < bytes.length && (bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x39) {
        v = v * 10 + ((bytes[i] as number) - 0x30);
        if (v > 1e7) throw new ImageDecodeError('PGM: header number too large');
        i++;
      }
      fields.push(v);
      continue;
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      throw new ImageDecodeError(`PGM: unexpected byte 0x${c.toString(16)} in the header at offset ${i}`);
    }
    i++;
  }
  const [width, height, maxval] = fields as [number, number, number];
  if (fields.length < 3 || !width || !height || !maxval || maxval > 65535) {
    throw new ImageDecodeError('PGM: the header needs width, height and maxval (1..65535)');
  }
  if (width * height > MAX_PIXELS) throw new ImageDecodeError(`PGM: ${width}x${height} is larger than ${MAX_PIXELS} pixels`);
  const n = width * height;
  const pixels = new Float32Array(n);
  if (binary) {
    i++; // exactly one whitespace byte after maxval
    const bytesPer = maxval > 255 ? 2 : 1;
    if (bytes.length - i < n * bytesPer) {
      throw new ImageDecodeError(`PGM: expected ${n * bytesPer} bytes of pixels, found ${Math.max(0, bytes.length - i)}`);
    }
    for (let p = 0; p < n; p++) {
      const v =
        bytesPer === 1 ? (bytes[i + p] as number) : ((bytes[i + 2 * p] as number) << 8) | (bytes[i + 2 * p + 1] as number);
      pixels[p] = v / maxval;
    }
  } else {
    const text = new TextDecoder().decode(bytes.subarray(i));
    const values = text.split(/\s+/).filter((s) => s.length > 0);
    if (values.length < n) throw new ImageDecodeError(`PGM: expected ${n} samples, found ${values.length}`);
    for (let p = 0; p < n; p++) pixels[p] = Number(values[p]) / maxval;
  }
  return { width, height, pixels };
}

/** Decodes PNG or PGM bytes to grayscale in [0, 1]. */
export function decodeImage(bytes: Uint8Array): GrayImage {
  if (isPng(bytes)) return fromPng(bytes);
  if (bytes.length >= 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32)) return fromPgm(bytes);
  throw new ImageDecodeError('unsupported image format: expected PNG or PGM (P5/P2) bytes');
}
