import { describeBackend } from '@strata/conformance';
import { createWebGlBackend } from '../src/index';

// The whole conformance suite in headless Chromium (ANGLE on SwiftShader without a GPU).
describeBackend('webgl', () => createWebGlBackend());
