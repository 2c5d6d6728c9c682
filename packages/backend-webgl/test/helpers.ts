/**
 * Browser test helpers: a WebGL2 context whose texture creations and
 * deletions are counted, so tests can see what the backend really allocates,
 * and access to the WebGL texture behind a tensor.
 */
import type { Tensor } from '@strata/core';
import { createWebGlBackend, type WebGlBackend, type WebGlStorage } from '../src/index';

export interface CountingContext {
  readonly gl: WebGL2RenderingContext;
  /** WebGL textures created and not yet deleted. */
  live(): number;
}

export function countingContext(): CountingContext {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') as WebGL2RenderingContext;
  const alive = new Set<WebGLTexture>();
  const create = gl.createTexture.bind(gl);
  const remove = gl.deleteTexture.bind(gl);
  gl.createTexture = () => {
    const texture = create();
    if (texture) alive.add(texture);
    return texture;
  };
  gl.deleteTexture = (texture: WebGLTexture | null) => {
    if (texture) alive.delete(texture);
    remove(texture);
  };
  return { gl, live: () => alive.size };
}

/** A backend on a counting context (the caller owns the context). */
export function countingBackend(): { backend: WebGlBackend; textures: CountingContext } {
  const textures = countingContext();
  return { backend: createWebGlBackend({ context: textures.gl }), textures };
}

/** The WebGL texture holding a tensor's storage. */
export function glTextureOf(t: Tensor): WebGLTexture {
  const storage = t.storage.handle as WebGlStorage;
  return (storage.texture as unknown as { texture: WebGLTexture }).texture;
}
