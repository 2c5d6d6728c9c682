/**
 * @packageDocumentation
 * Node-only helpers (`@strata/core/node`): reading and writing safetensors
 * files with `node:fs`. Importing this entry also loads the main one, so the
 * CPU backend is registered and tensor methods are attached.
 */
import './index';

export { loadSafetensorsFile, saveSafetensorsFile } from './io/safetensors-node';
