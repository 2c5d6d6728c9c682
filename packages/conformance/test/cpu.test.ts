import { createCpuBackend } from '@strata/core';
import { describeBackend } from '../src/index';

// The CPU backend is the reference implementation; it runs the same suite as every other backend.
describeBackend('cpu', createCpuBackend);
